"""Stored results turned into what a person or a script reads: terminal tables
(``tables``), the ``--json`` documents (``documents``), and a timeline picture
(``timeline``). Above ``wos.storage``, below ``wos.cli``.
"""
