"""Where a film comes from: a path, an http(s) or an s3 URL; checked before ffmpeg sees it."""

from __future__ import annotations

import os
import urllib.parse

from wos import errors
from wos.film import s3

_URL_SCHEMES = ("http", "https", "s3")

# Microseconds ffmpeg waits on a silent network connection before giving up, so an
# unreachable film server fails the analysis instead of hanging a Spark task for ever.
NETWORK_TIMEOUT_MICROSECONDS = 15_000_000


def is_url(source: str) -> bool:
    """Whether the film is named by an http(s) or s3 URL rather than a file path."""
    return urllib.parse.urlsplit(source).scheme.lower() in _URL_SCHEMES


def is_s3(source: str) -> bool:
    """Whether the film is an object in S3 (or an S3-compatible store), s3://BUCKET/KEY."""
    return urllib.parse.urlsplit(source).scheme.lower() == "s3"


def resolve(source: str) -> str:
    """The film as ffmpeg should open it: an absolute path, the URL, or a presigned URL.

    A path is made absolute so that Spark executors, whose working folder differs from the
    driver's, open the same file. An s3 URL becomes a presigned https URL (``wos.film.s3``),
    so that executors read the film with no credentials of their own.
    """
    if is_s3(source):
        return s3.presigned_url(source)
    if is_url(source):
        return source
    path = os.path.abspath(os.path.expanduser(source))
    if not os.path.exists(path):
        raise errors.FilmError(
            f"the film {source} does not exist; give the path of a video file, or an http(s) or s3:// URL"
        )
    if os.path.isdir(path):
        raise errors.FilmError(f"the film {source} is a folder; give the path of a video file")
    return path


def network_options(source: str) -> dict[str, int]:
    """Extra ffmpeg/ffprobe input options for this source (a read timeout for URLs)."""
    return {"rw_timeout": NETWORK_TIMEOUT_MICROSECONDS} if is_url(source) else {}
