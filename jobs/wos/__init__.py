"""who-is-on-screen: which cast members are on screen, minute by minute.

Layers, from the bottom up (a module imports only from layers below it):

- ``wos.errors``: the exception tree every layer raises.
- ``wos.storage``: database tables and idempotent writes (SQLAlchemy Core).
- ``wos.film``: probing a film, cutting it into segments, decoding sampled frames.
- ``wos.faces``: face engines that detect faces in a frame and embed them.
- ``wos.gallery``: the cast's reference faces and matching a face to a person.
- ``wos.analysis``: the Spark application that turns a film into screen time.
- ``wos.scraping`` and ``wos.imdb``: jobs that build a gallery from the web.
- ``wos.reports``: tables, JSON documents and the timeline picture of stored results.
- ``wos.cli``: the ``wos`` command.
"""

__version__ = "0.1.0"
