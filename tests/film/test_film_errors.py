"""A film that cannot be analysed fails early with one sentence naming it and the fix."""

from __future__ import annotations

import http.server
import pathlib
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator

import pytest

from wos import errors
from wos.film import decoding, probing, segments


@pytest.fixture
def film_server(hamilton_clip: pathlib.Path, tmp_path: pathlib.Path) -> Iterator[str]:
    """An HTTP server on this machine serving a copy of the Hamilton clip; yields its URL."""
    shutil.copy(hamilton_clip, tmp_path / "clip.mp4")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _handler_for(folder: pathlib.Path) -> type[http.server.BaseHTTPRequestHandler]:
    """A file server that answers Range requests, as web servers that host films do.

    ffmpeg seeks in an MP4 over HTTP by asking for byte ranges; Python's own file server
    ignores them, so it cannot stand in for a real one.
    """

    class RangeHandler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = folder / self.path.lstrip("/")
            if not path.is_file():
                self.send_error(404)
                return
            content = path.read_bytes()
            first, last = 0, len(content) - 1
            if match := re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", "")):
                first = int(match[1])
                last = min(last, int(match[2])) if match[2] else last
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {first}-{last}/{len(content)}")
            else:
                self.send_response(200)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(last - first + 1))
            self.end_headers()
            try:
                self.wfile.write(content[first:last + 1])
            except (BrokenPipeError, ConnectionResetError):
                pass  # ffmpeg closes a connection as soon as it has what it needs

        def log_message(self, *args: object) -> None:
            pass

    return RangeHandler


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_missing_film_names_the_path(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "no such film.mp4"
    with pytest.raises(errors.FilmError, match="does not exist") as raised:
        probing.probe_film(str(missing))
    assert str(missing) in str(raised.value)


def test_a_folder_is_not_a_film(tmp_path: pathlib.Path) -> None:
    with pytest.raises(errors.FilmError, match="is a folder"):
        probing.probe_film(str(tmp_path))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"Act one, scene one: the stage is dark.\n" * 20),
        ("garbage.mp4", bytes(range(256)) * 64),
        ("empty.mp4", b""),
    ],
)
def test_a_file_that_is_not_a_video_cannot_be_read(
    tmp_path: pathlib.Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(errors.FilmError, match="cannot be read as a video") as raised:
        probing.probe_film(str(path))
    assert str(path) in str(raised.value)
    assert len(str(raised.value).splitlines()) == 1


def test_a_truncated_film_cannot_be_read(tmp_path: pathlib.Path, hamilton_clip) -> None:
    path = tmp_path / "truncated.mp4"
    path.write_bytes(hamilton_clip.read_bytes()[:4096])
    with pytest.raises(errors.FilmError, match="cannot be read as a video"):
        probing.probe_film(str(path))


def test_a_file_with_audio_but_no_video_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "song.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
         "-c:a", "aac", str(path)],
        check=True,
    )
    with pytest.raises(errors.FilmError, match=r"has no video stream \(only audio\)"):
        probing.probe_film(str(path))


@pytest.mark.parametrize("fps", [0, -2, float("nan"), float("inf")])
def test_a_sampling_rate_that_samples_nothing_is_refused(hamilton_clip, fps: float) -> None:
    film = probing.probe_film(str(hamilton_clip))
    [segment] = segments.plan_segments(film, segment_seconds=60)
    with pytest.raises(errors.SettingsError, match="sampling rate .* is not a positive number"):
        list(decoding.decode_segment(film, segment, frames_per_second=fps))


@pytest.mark.parametrize("seconds", [0, -60, float("nan")])
def test_a_segment_length_of_no_time_is_refused(hamilton_clip, seconds: float) -> None:
    film = probing.probe_film(str(hamilton_clip))
    with pytest.raises(errors.SettingsError, match="segment length .* is not a positive"):
        segments.plan_segments(film, segment_seconds=seconds)


def test_a_film_served_over_http_decodes_like_the_local_file(film_server, hamilton_clip) -> None:
    local = probing.probe_film(str(hamilton_clip))
    remote = probing.probe_film(f"{film_server}/clip.mp4")

    def times(film: probing.Film) -> list[float]:
        return [
            frame.time
            for segment in segments.plan_segments(film, segment_seconds=4)
            for frame in decoding.decode_segment(film, segment, frames_per_second=2)
        ]

    assert remote.source == f"{film_server}/clip.mp4"
    assert (remote.start, remote.end) == (local.start, local.end)
    assert times(remote) == times(local)


def test_a_url_with_no_film_behind_it_names_the_url(film_server) -> None:
    with pytest.raises(errors.FilmError, match="cannot be read.*check the address"):
        probing.probe_film(f"{film_server}/missing.mp4")


def test_an_unreachable_url_names_the_url() -> None:
    url = f"http://127.0.0.1:{closed_port()}/film.mp4"
    with pytest.raises(errors.FilmError, match="check the address") as raised:
        probing.probe_film(url)
    assert url in str(raised.value)
