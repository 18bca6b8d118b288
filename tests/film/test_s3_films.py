"""Films in S3: read through a presigned URL exactly like the local file, or a clear error.

A moto S3 server on 127.0.0.1 stands in for S3 at the wire: boto3 checks and signs over real
HTTP, and ffmpeg reads the presigned URL from it with Range requests, as from S3 or MinIO.
"""

from __future__ import annotations

import logging
import pathlib
import socket
import urllib.parse
from collections.abc import Iterator

import boto3
import moto.settings
import numpy as np
import pytest
from moto.server import ThreadedMotoServer

from wos import errors
from wos.analysis import application, settings
from wos.film import decoding, probing, segments
from wos.storage import database, results

BUCKET = "films"
KEY = "hamilton/short clip.mp4"
FILM = f"s3://{BUCKET}/{KEY}"
LIN = "Lin-Manuel Miranda"


@pytest.fixture(scope="module")
def s3_endpoint(hamilton_clip: pathlib.Path) -> Iterator[str]:
    """A local S3 server holding the Hamilton clip at FILM; yields its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    uploader = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="uploader", aws_secret_access_key="uploader-secret",
    )
    uploader.create_bucket(Bucket=BUCKET)
    uploader.upload_file(str(hamilton_clip), BUCKET, KEY)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> str:
    """The environment a user sets for an S3-compatible store: keys, region, endpoint."""
    isolate_from_machine_credentials(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "analyst")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "analyst-secret")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    return s3_endpoint


def isolate_from_machine_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    """No credentials from this machine's files, profiles or instance metadata."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def sampled(film: probing.Film) -> list[decoding.Frame]:
    return [
        frame
        for segment in segments.plan_segments(film, segment_seconds=4)
        for frame in decoding.decode_segment(film, segment, frames_per_second=2)
    ]


def test_an_s3_film_decodes_to_the_same_frames_and_times_as_the_local_file(
    s3_env: str, hamilton_clip: pathlib.Path
) -> None:
    local = probing.probe_film(str(hamilton_clip))
    remote = probing.probe_film(FILM)

    assert remote.name == FILM
    assert remote.source.startswith(f"{s3_env}/{BUCKET}/")
    assert "X-Amz-Signature=" in remote.source
    assert (remote.start, remote.end, remote.frame_rate, remote.width, remote.height) == (
        local.start, local.end, local.frame_rate, local.width, local.height)
    local_frames, remote_frames = sampled(local), sampled(remote)
    assert [frame.time for frame in remote_frames] == [frame.time for frame in local_frames]
    assert len(remote_frames) == len(local_frames) > 0
    assert all(np.array_equal(r.image, l.image) for r, l in zip(remote_frames, local_frames))


def test_the_presigned_url_is_valid_for_seven_days(s3_env: str) -> None:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(probing.probe_film(FILM).source).query)
    assert query["X-Amz-Expires"] == [str(7 * 24 * 3600)]


def test_the_log_names_the_s3_film_never_its_presigned_url(
    s3_env: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="wos")
    film = probing.probe_film(FILM)
    sampled(film)

    signature = urllib.parse.parse_qs(urllib.parse.urlsplit(film.source).query)[
        "X-Amz-Signature"][0]
    # The store's own access log (werkzeug, in the moto server) shows what it was asked
    # for, as S3's server logs would; what matters is the analysis's log.
    ours = "\n".join(
        record.getMessage() for record in caplog.records if record.name != "werkzeug"
    )
    assert f"Probed the film {FILM}" in ours
    assert f"Signed a read URL for the film {FILM}, valid for 168 hours" in ours
    assert "Running ffmpeg" in ours and f"-i {FILM}" in ours
    assert signature not in ours
    assert "X-Amz-" not in ours


@pytest.mark.parametrize(
    ("film", "message"),
    [
        (f"s3://{BUCKET}/hamilton/missing.mp4",
         f"the film s3://{BUCKET}/hamilton/missing.mp4 does not exist: the bucket {BUCKET} "
         "has no object hamilton/missing.mp4; check the key"),
        ("s3://no-such-bucket/clip.mp4",
         "the film s3://no-such-bucket/clip.mp4 cannot be read: the bucket no-such-bucket "
         "does not exist; check the bucket's name and the S3 endpoint and region"),
    ],
    ids=["missing key", "missing bucket"],
)
def test_a_missing_s3_object_names_the_url_and_what_is_missing(
    s3_env: str, film: str, message: str
) -> None:
    with pytest.raises(errors.FilmError) as raised:
        probing.probe_film(film)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "film", ["s3://", f"s3://{BUCKET}", f"s3://{BUCKET}/", f"s3://{BUCKET}/hamilton/",
             "s3://bad bucket/clip.mp4"],
)
def test_a_malformed_s3_url_is_refused_before_any_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path, film: str
) -> None:
    # No endpoint and no credentials: the URL alone is wrong, whatever the store says.
    isolate_from_machine_credentials(monkeypatch, tmp_path)
    with pytest.raises(errors.FilmError) as raised:
        probing.probe_film(film)
    assert str(raised.value) == (
        f"the film URL {film} is not a valid s3 URL; give it as s3://BUCKET/KEY, "
        "e.g. s3://films/hamilton.mp4"
    )


def test_credentials_that_may_not_read_the_film_are_told_access_is_denied(
    s3_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A user with keys but no policy, on a store that checks them (moto checks none until
    # its authorization is switched on).
    iam = boto3.client("iam", endpoint_url=s3_env, region_name="us-east-1",
                       aws_access_key_id="admin", aws_secret_access_key="admin-secret")
    iam.create_user(UserName="viewer")
    keys = iam.create_access_key(UserName="viewer")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys["SecretAccessKey"])
    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)

    with pytest.raises(errors.FilmError) as raised:
        probing.probe_film(FILM)
    assert str(raised.value) == (
        f"access to the film {FILM} is denied; check that it exists and that the "
        "credentials may read it (s3:GetObject)"
    )


def test_an_s3_film_without_credentials_says_how_to_give_them(
    s3_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(errors.FilmError) as raised:
        probing.probe_film(FILM)
    assert str(raised.value) == (
        f"no AWS credentials were found to read the film {FILM}; set AWS_ACCESS_KEY_ID "
        "and AWS_SECRET_ACCESS_KEY (in Kubernetes: spec.film.s3.credentialsSecret)"
    )


def test_an_unreachable_s3_endpoint_names_the_film(
    s3_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{closed}")
    with pytest.raises(errors.FilmError, match="check AWS_ENDPOINT_URL_S3") as raised:
        probing.probe_film(FILM)
    assert str(raised.value).startswith(f"the S3 store of the film {FILM} cannot be reached")
    assert len(str(raised.value).splitlines()) == 1



@pytest.mark.spark
def test_analysing_an_s3_film_finds_the_same_screen_time_as_the_local_file_and_reruns_in_place(
    spark, s3_env: str, hamilton_clip: pathlib.Path, hamilton_cast: pathlib.Path,
    sqlite_url: str, stored_rows,
) -> None:
    def analyse(film: str) -> application.AnalysisOutcome:
        request = application.AnalysisRequest(
            film=film, cast_dir=hamilton_cast, database_url=sqlite_url,
            settings=settings.AnalysisSettings(segment_seconds=4),
        )
        return application.run_analysis(request, spark=spark)

    local = analyse(str(hamilton_clip))
    first = analyse(FILM)
    counts = stored_rows(sqlite_url, first.analysis_id)
    second = analyse(FILM)

    assert LIN in {person.person for person in first.people}
    assert first.minutes == local.minutes
    assert second.analysis_id == first.analysis_id != local.analysis_id
    assert stored_rows(sqlite_url, first.analysis_id) == counts
    assert counts["detections"] >= 6 and counts["screen_time_minutes"] >= 1
    db = database.open_database(sqlite_url)
    assert results.read_analysis(db, first.analysis_id).film == FILM
    assert len(results.list_analyses(db)) == 2
    db.dispose()
