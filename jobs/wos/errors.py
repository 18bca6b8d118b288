"""The exceptions that who-is-on-screen raises for problems a user can fix.

    WosError                  any problem the user can fix; the message says what and how
    ├── SettingsError         a setting is out of range (sampling rate, segment length, ...)
    ├── FilmError             the film is missing, unreadable, not a video, or has no video
    ├── CastError             the cast folder is missing, empty, or has no usable face
    ├── ModelError            a face model file is missing or does not match its checksum
    ├── DatabaseError         the database URL is unreachable or refuses the connection
    └── ScrapeError           a web page did not have what the scraper needs

Each message is one sentence that names the offending value and, where there is one,
the fix. The ``wos`` command prints it on one line and exits non-zero.
"""


class WosError(Exception):
    """A problem the user can fix; ``str(error)`` tells what went wrong and how to fix it."""


class SettingsError(WosError):
    """A setting is out of its allowed range."""


class FilmError(WosError):
    """The film cannot be read as a video."""


class CastError(WosError):
    """The cast cannot be turned into a gallery of faces."""


class ModelError(WosError):
    """A face model file is missing or corrupt."""


class DatabaseError(WosError):
    """The results database cannot be reached or used."""


class ScrapeError(WosError):
    """A web page did not have the structure the scraper expects."""
