"""A local copy of the parts of IMDb the scraper reads, served on 127.0.0.1, and a browser.

The pages are the project's own templates in ``site/``, shaped like IMDb's full-credits and
person pages, carrying the real photos of ``../shared/samples/faces``. Routes can answer
slowly, with a status or with a content type of their choosing, to play a misbehaving site.
"""

from __future__ import annotations

import dataclasses
import http.server
import io
import pathlib
import string
import threading
import time

import numpy as np
import PIL.Image
from wos.scraping import settings as settings_

SITE = pathlib.Path(__file__).resolve().parent / "site"
TITLE_ID = "tt0000001"
SMALL_TITLE_ID = "tt0000002"
LIST_LAYOUT_TITLE_ID = "tt0000006"


@dataclasses.dataclass(frozen=True)
class Route:
    """What the site answers for one path."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering
    busy_first: int = 0  # answer 503 to this many requests before the real answer


@dataclasses.dataclass(frozen=True)
class Hit:
    """One request the site received."""

    path: str
    user_agent: str


class Site:
    """The routes of the local site and the log of the requests it answered."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.url = ""

    def paths_hit(self) -> list[str]:
        return [hit.path for hit in self.hits]


class _Handler(http.server.BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:
        self.site.hits.append(Hit(self.path, self.headers.get("User-Agent", "")))
        route = self.site.routes.get(self.path.split("?")[0]) or Route(
            _template("not_found.html").encode(), status=404
        )
        time.sleep(route.delay)
        if self.site.paths_hit().count(self.path) <= route.busy_first:
            route = Route(b"busy, try later", "text/plain", status=503)
        try:
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: that is what a timeout test wants

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(samples: pathlib.Path) -> tuple[Site, http.server.ThreadingHTTPServer]:
    """The site, filled, served on a free port of 127.0.0.1 by a thread; shut the server down."""
    site = Site()
    handler = type("Handler", (_Handler,), {"site": site})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    _add_pages(site, samples)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site, server


def site_settings(site: Site, **changes: object) -> settings_.ScrapeSettings:
    """Settings for the local site: fast enough for tests, with short timeouts."""
    fields: dict[str, object] = {
        "base_url": site.url,
        "rate": 100.0,
        "page_timeout": 2.0,
        "download_timeout": 1.5,
        "attempts": 2,
        "backoff": 0.1,
    }
    fields.update(changes)
    return settings_.ScrapeSettings(**fields)  # type: ignore[arg-type]


# The people of the main title, in billing order: (person id, name, character, photos on
# their page, headshot first). Pages that misbehave are set up in _add_pages.
CAST = [
    ("nm0000001", "Barack Obama", "Himself", ["obama.jpg", "obama2.jpg", "two_faces.jpg"]),
    ("nm0000002", "Joe Biden", "Himself", ["biden.jpg", "no_face.png", "biden2.jpg"]),
    ("nm0000003", "Kit Harington", "Jon Snow", ["john1.jpeg", "not_an_image.jpg", "john2.html"]),
    (
        "nm0000004",
        "Rose Leslie",
        "Ygritte",
        ["rose1.jpg", "missing.jpg", "stuck.jpg", "rose_slow.jpg"],
    ),
    ("nm0000005", "Alex Lacamoire", "Music Director", ["alex.jpg"]),
    ("nm0000006", "Nobody Pictured", "Extra", []),
    ("nm0000007", "Gone Missing", "Cameo", []),
    ("nm0000008", "Kept Private", "Stand-in", []),
    ("nm0000009", "Stuck Page", "Crowd", []),
]
SLOW_PERSON = "nm0000005"  # answers after 1 s, within the page timeout
MISSING_PERSON = "nm0000007"  # 404
FORBIDDEN_PERSON = "nm0000008"  # disallowed by robots.txt
STUCK_PERSON = "nm0000009"  # answers after the page timeout


def _add_pages(site: Site, samples: pathlib.Path) -> None:
    """Fill the site: robots.txt, three titles, the people's pages and their photos."""
    faces = samples / "faces"
    photos = {
        "obama.jpg": faces / "train" / "Barack Obama" / "obama.jpg",
        "obama2.jpg": faces / "train" / "Barack Obama" / "obama2.jpg",
        "two_faces.jpg": faces / "test" / "obama_and_biden.jpg",
        "biden.jpg": faces / "train" / "Joe Biden" / "biden.jpg",
        "biden2.jpg": faces / "train" / "Joe Biden" / "biden2.jpg",
        "john1.jpeg": faces / "train" / "Kit Harington" / "john1.jpeg",
        "rose1.jpg": faces / "train" / "Rose Leslie" / "img1.jpg",
        "rose_slow.jpg": faces / "train" / "Rose Leslie" / "img2.jpg",
        "alex.jpg": faces / "train" / "Alex Lacamoire" / "img1.jpg",
    }
    for name, path in photos.items():
        site.routes[f"/photos/{name}"] = Route(path.read_bytes(), "image/jpeg")
    # A photo that comes slowly but in time, and one that comes after the download timeout.
    site.routes["/photos/rose_slow.jpg"] = dataclasses.replace(
        site.routes["/photos/rose_slow.jpg"], delay=0.5
    )
    site.routes["/photos/stuck.jpg"] = dataclasses.replace(
        site.routes["/photos/rose1.jpg"], delay=3.0
    )
    # A plain grey picture: an image with no face. A web page served as a JPEG. A real
    # photo served as a web page.
    site.routes["/photos/no_face.png"] = Route(_no_face_png(), "image/png")
    site.routes["/photos/not_an_image.jpg"] = Route(b"<html>no photo here</html>", "image/jpeg")
    site.routes["/photos/john2.html"] = Route(
        (faces / "train" / "Kit Harington" / "john2.jpeg").read_bytes(), "text/html"
    )

    site.routes["/robots.txt"] = Route(
        _template("robots.txt", disallowed=f"Disallow: /name/{FORBIDDEN_PERSON}/").encode(),
        "text/plain",
    )
    _add_title(site, TITLE_ID, "A Film of Faces", CAST)
    _add_title(site, SMALL_TITLE_ID, "A Short Film", CAST[:2])
    # The same cast in IMDb's newer list layout.
    items = "".join(
        _template(
            "cast_item.html",
            order=str(order),
            title_id=LIST_LAYOUT_TITLE_ID,
            person_id=person_id,
            name=name,
            character=character,
        )
        for order, (person_id, name, character, _photos) in enumerate(CAST, start=1)
    )
    site.routes[f"/title/{LIST_LAYOUT_TITLE_ID}/fullcredits"] = Route(
        _template("fullcredits_list.html", title="A Film of Faces", items=items).encode()
    )
    site.routes["/title/tt0000003/fullcredits"] = Route(
        _template("changed_layout.html", title="A Redesigned Page").encode()
    )
    site.routes["/title/tt0000004/fullcredits"] = Route(
        _template("empty_cast.html", title="An Uncast Film").encode()
    )

    for person_id, name, _character, photo_names in CAST:
        site.routes[f"/name/{person_id}/"] = Route(_person_page(site, person_id, name, photo_names))
    site.routes[f"/name/{SLOW_PERSON}/"] = dataclasses.replace(
        site.routes[f"/name/{SLOW_PERSON}/"], delay=1.0
    )
    del site.routes[f"/name/{MISSING_PERSON}/"]
    site.routes[f"/name/{STUCK_PERSON}/"] = dataclasses.replace(
        site.routes[f"/name/{STUCK_PERSON}/"], delay=5.0
    )


def _add_title(site: Site, title_id: str, title: str, cast: list) -> None:
    rows = "".join(
        _template(
            "cast_row.html",
            parity="odd" if order % 2 else "even",
            order=str(order),
            title_id=title_id,
            person_id=person_id,
            name=name,
            character=character,
        )
        for order, (person_id, name, character, _photos) in enumerate(cast, start=1)
    )
    page = _template("fullcredits.html", title=title, title_id=title_id, rows=rows)
    site.routes[f"/title/{title_id}/fullcredits"] = Route(page.encode())


def _person_page(site: Site, person_id: str, name: str, photo_names: list[str]) -> bytes:
    urls = [f"{site.url}/photos/{photo}" for photo in photo_names]
    headshot = _template("headshot.html", name=name, src=urls[0]) if urls else ""
    photos = "".join(
        _template("photo.html", person_id=person_id, name=name, index=str(index), src=url)
        for index, url in enumerate(urls[1:], start=1)
    )
    return _template("person.html", name=name, headshot=headshot, photos=photos).encode()


def _template(template: str, **values: str) -> str:
    return string.Template((SITE / template).read_text()).substitute(values)


def _no_face_png() -> bytes:
    """A 320x240 picture of soft grey gradients: an image with nothing like a face in it."""
    ramp = np.linspace(60, 200, 320, dtype=np.uint8)
    pixels = np.stack([np.tile(ramp, (240, 1))] * 3, axis=-1)
    buffer = io.BytesIO()
    PIL.Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()
