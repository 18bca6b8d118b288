"""Films in S3 or an S3-compatible store (MinIO): checked, then read through a presigned URL.

The driver checks the object with a HEAD request (so a wrong name or missing rights fails
before any task starts) and signs an https GET URL for it. ffmpeg then reads the film like
any web film, and the executors, which only ever see that URL, need no credentials.
Credentials, region and endpoint come from boto3's standard chain: ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_REGION``/``AWS_DEFAULT_REGION``,
``AWS_ENDPOINT_URL_S3``/``AWS_ENDPOINT_URL``, profiles and instance roles.

The presigned URL carries a signature: anyone holding it may read the film until it
expires, so messages and logs name the film by its s3:// URL only.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from typing import NoReturn

import boto3
import botocore.client
import botocore.config
import botocore.exceptions

from wos import errors

logger = logging.getLogger(__name__)

# How long the presigned URL stays valid: 7 days, the longest a SigV4 signature allows, and
# the longest deadline a FilmAnalysis may have (spec.deadlineSeconds). Every segment's
# ffmpeg opens the URL anew, the last one possibly days after the driver signed it, and a
# URL that expired mid-analysis would fail the remaining segments.
PRESIGNED_URL_SECONDS = 7 * 24 * 60 * 60

# Seconds boto3 waits to connect to and to hear from the store, so an unreachable endpoint
# fails the check quickly instead of hanging the driver.
_TIMEOUT_SECONDS = 15

# Bucket names as S3 accepts them, legacy ones (capitals, underscores) included.
_BUCKET_NAME = re.compile(r"[A-Za-z0-9._-]{1,255}")


@dataclasses.dataclass(frozen=True)
class S3Object:
    """One object: its bucket and its key (the path inside the bucket)."""

    bucket: str
    key: str


def parse_url(url: str) -> S3Object:
    """The bucket and key of ``s3://BUCKET/KEY``; the key is everything after the bucket."""
    scheme, _, rest = url.partition("://")
    bucket, _, key = rest.partition("/")
    if scheme.lower() != "s3" or not _BUCKET_NAME.fullmatch(bucket) or not key \
            or key.endswith("/"):
        raise errors.FilmError(
            f"the film URL {url} is not a valid s3 URL; give it as s3://BUCKET/KEY, "
            "e.g. s3://films/hamilton.mp4"
        )
    return S3Object(bucket=bucket, key=key)


def presigned_url(url: str) -> str:
    """An https GET URL for the film at ``url``, after checking that it can be read."""
    film = parse_url(url)
    client = _client(url)
    _check_readable(client, film, url)
    presigned = client.generate_presigned_url(
        "get_object", Params={"Bucket": film.bucket, "Key": film.key},
        ExpiresIn=PRESIGNED_URL_SECONDS,
    )
    logger.info(
        "Signed a read URL for the film %s, valid for %d hours", url,
        PRESIGNED_URL_SECONDS // 3600,
    )
    return presigned


def _client(url: str) -> botocore.client.BaseClient:
    """An S3 client from the standard chain, or a FilmError when it has no credentials."""
    session = boto3.session.Session()
    try:
        credentials = session.get_credentials()
    except botocore.exceptions.BotoCoreError as error:
        raise errors.FilmError(
            f"the AWS credentials for the film {url} cannot be loaded ({error}); "
            "fix AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or the AWS profile"
        ) from error
    if credentials is None:
        raise errors.FilmError(
            f"no AWS credentials were found to read the film {url}; set AWS_ACCESS_KEY_ID "
            "and AWS_SECRET_ACCESS_KEY (in Kubernetes: spec.film.s3.credentialsSecret)"
        )

    # A store named by an endpoint (MinIO, Ceph) is addressed by path: its buckets have no
    # DNS names of their own. SigV4 is the signature every region and store accepts.
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    config = botocore.config.Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"} if endpoint else {},
        connect_timeout=_TIMEOUT_SECONDS,
        read_timeout=_TIMEOUT_SECONDS,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    try:
        return session.client("s3", config=config)
    except ValueError as error:
        raise errors.FilmError(
            f"the S3 endpoint for the film {url} is not valid ({error}); give "
            "AWS_ENDPOINT_URL_S3 as a URL such as http://minio:9000"
        ) from error


def _check_readable(client: botocore.client.BaseClient, film: S3Object, url: str) -> None:
    """HEAD the object: a FilmError naming the cause when it cannot be read."""
    try:
        client.head_object(Bucket=film.bucket, Key=film.key)
    except botocore.exceptions.ClientError as error:
        _refuse(client, film, url, error)
    except botocore.exceptions.BotoCoreError as error:
        raise errors.FilmError(
            f"the S3 store of the film {url} cannot be reached ({error}); check "
            "AWS_ENDPOINT_URL_S3 or AWS_REGION and that the store is reachable from here"
        ) from error


def _refuse(
    client: botocore.client.BaseClient, film: S3Object, url: str,
    cause: botocore.exceptions.ClientError,
) -> NoReturn:
    """The FilmError for S3's answer to the HEAD request, by its HTTP status."""
    # A HEAD answer has no body: the status is all S3 says.
    status = cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = cause.response.get("Error", {}).get("Code", "")
    if status == 404 and not _bucket_exists(client, film.bucket):
        raise errors.FilmError(
            f"the film {url} cannot be read: the bucket {film.bucket} does not exist; "
            "check the bucket's name and the S3 endpoint and region"
        ) from cause
    if status == 404:
        raise errors.FilmError(
            f"the film {url} does not exist: the bucket {film.bucket} has no object "
            f"{film.key}; check the key"
        ) from cause
    if status == 403:
        # S3 also answers 403 for a missing object when the caller may not list the bucket.
        raise errors.FilmError(
            f"access to the film {url} is denied; check that it exists and that the "
            "credentials may read it (s3:GetObject)"
        ) from cause
    raise errors.FilmError(
        f"the film {url} cannot be read (S3 answered {status} {code}); check the URL, "
        "the credentials and the S3 endpoint"
    ) from cause


def _bucket_exists(client: botocore.client.BaseClient, bucket: str) -> bool:
    """False only when S3 says the bucket does not exist (not when listing is denied)."""
    try:
        client.head_bucket(Bucket=bucket)
    except botocore.exceptions.ClientError as error:
        return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404
    except botocore.exceptions.BotoCoreError:
        return True
    return True
