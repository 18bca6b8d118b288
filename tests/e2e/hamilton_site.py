"""The web the end-to-end run reads from: IMDb-like pages of the Hamilton cast, and the film.

The cast pages are the scraper tests' local site (``tests/scraping/local_site.py``) with one
more title: Hamilton's full-credits page and a person page for each cast member, carrying
the real photos of ``../shared/samples/hamilton/cast``. The film is served by a small file
server that answers byte ranges, as the web servers that host films do.
"""

from __future__ import annotations

import http.server
import pathlib
import re
import string
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import local_site
import yaml

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "hamilton.yaml"

# Hamilton (2020), as examples/hamilton.yaml names it.
TITLE_ID = "tt8503618"
TITLE = "Hamilton"
# (person id, display name, character), in billing order; the folder names of the cast.
CAST = [
    ("nm1058140", "Lin-Manuel Miranda", "Alexander Hamilton"),
    ("nm2258140", "Alex Lacamoire", "Conductor"),
]


def film_analysis(name: str, film_url: str, **spec: Any) -> dict[str, Any]:
    """examples/hamilton.yaml with the film and the cast on this machine's web."""
    document = yaml.safe_load(EXAMPLE.read_text())
    document["metadata"]["name"] = name
    document["spec"]["film"] = {"url": film_url}
    document["spec"]["cast"] = {"imdbTitleId": TITLE_ID, "keep": 12, "photosPerPerson": 3}
    document["spec"].update(spec)
    return document


@contextmanager
def hamilton_site(samples: pathlib.Path) -> Iterator[local_site.Site]:
    """The scraper tests' site plus the Hamilton title, on a free port of 127.0.0.1."""
    site, server = local_site.serve(samples)
    try:
        add_hamilton(site, samples / "hamilton" / "cast")
        yield site
    finally:
        server.shutdown()
        server.server_close()


def add_hamilton(site: local_site.Site, cast_dir: pathlib.Path) -> None:
    """Hamilton's full-credits page and its cast's person pages, with their photos."""
    rows = "".join(
        _page("cast_row.html", parity="odd" if order % 2 else "even", order=str(order),
              title_id=TITLE_ID, person_id=person_id, name=name, character=character)
        for order, (person_id, name, character) in enumerate(CAST, start=1)
    )
    site.routes[f"/title/{TITLE_ID}/fullcredits"] = local_site.Route(
        _page("fullcredits.html", title=TITLE, title_id=TITLE_ID, rows=rows).encode()
    )
    for person_id, name, _character in CAST:
        urls = []
        for index, photo in enumerate(sorted((cast_dir / name).glob("*.png")), start=1):
            path = f"/photos/hamilton/{person_id}-{index}.png"
            site.routes[path] = local_site.Route(photo.read_bytes(), "image/png")
            urls.append(f"{site.url}{path}")
        headshot = _page("headshot.html", name=name, src=urls[0])
        photos = "".join(
            _page("photo.html", person_id=person_id, name=name, index=str(index), src=url)
            for index, url in enumerate(urls[1:], start=1)
        )
        site.routes[f"/name/{person_id}/"] = local_site.Route(
            _page("person.html", name=name, headshot=headshot, photos=photos).encode()
        )


def _page(template: str, **values: str) -> str:
    return string.Template((local_site.SITE / template).read_text()).substitute(values)


@contextmanager
def film_server(files: Mapping[str, pathlib.Path]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 serving ``files`` (URL path -> file); yields its URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _range_handler(files))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _range_handler(files: Mapping[str, pathlib.Path]) -> type[http.server.BaseHTTPRequestHandler]:
    """Answers GET and HEAD with the file, or the byte range asked for (ffmpeg seeks so)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, *, body: bool) -> None:
            path = files.get(self.path.split("?")[0])
            if path is None:
                self.send_error(404)
                return
            content = path.read_bytes()
            first, last = 0, len(content) - 1
            asked = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            if asked and int(asked[1]) <= last:
                first = int(asked[1])
                last = min(last, int(asked[2])) if asked[2] else last
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {first}-{last}/{len(content)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(last - first + 1))
            self.end_headers()
            if body:
                try:
                    self.wfile.write(content[first:last + 1])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # ffmpeg hangs up once it has the bytes it wanted

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
