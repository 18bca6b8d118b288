"""The results database: tables (``tables``), opening a database (``database``), and the
idempotent writes and reads of one analysis's results (``results``).

SQLAlchemy Core over a SQLite file by default, MySQL or MariaDB through ``mysql+pymysql://``.
"""
