"""Every address and HTML selector the scraper relies on, so a site redesign is fixed here.

They follow IMDb's pages: the full-credits page lists the cast in billing order in a table
(``table.cast_list``, one ``tr.odd``/``tr.even`` per member: a photo cell, a name link to
``/name/nm.../`` and a ``td.character`` cell), or, in the newer layout, in a list under
``[data-testid="sub-section-cast"]``. A person's page shows the headshot in the hero
poster and more photos in a "Photos" section; IMDb thumbnails carry a ``._V1_...`` size
suffix whose removal gives the full-size image.
"""

from __future__ import annotations

import re
import urllib.parse

# The full-credits page of a title, and a person's page, below the site's base URL.
FULL_CREDITS_PATH = "/title/{title_id}/fullcredits"
PERSON_PATH = "/name/{person_id}/"

# The container of the cast on a full-credits page, and one cast member inside it.
CAST_CONTAINER = "table.cast_list, [data-testid='sub-section-cast']"
CAST_ROWS = (
    "table.cast_list tr.odd, table.cast_list tr.even, "
    "[data-testid='sub-section-cast'] li[data-testid='name-credits-list-item']"
)
# Inside a cast row: links to the person's page (the first with text is the name) and the
# character cell or link.
PERSON_LINKS = "a[href*='/name/nm']"
CHARACTER = "td.character, a[href*='/characters/'], [data-testid='character']"

# On a person's page: the name heading (proves the page is a person page), the headshot,
# and the photos of the "Photos" section, in page order.
PERSON_NAME = "[data-testid='hero__pageTitle'], h1.header"
HEADSHOT = "[data-testid='hero-media__poster'] img, img#name-poster"
PHOTOS = "section[data-testid='Photos'] img, [data-testid='photos-shoveler'] img"

# IMDb image addresses end in "._V1_<resizing>.jpg"; "._V1_.jpg" asks for the original.
_SIZE_SUFFIX = re.compile(r"\._V1_[^/]*?\.(jpe?g|png|webp)$", re.IGNORECASE)
_PERSON_ID_IN_LINK = re.compile(r"/name/(nm\d{7,})")


def full_size_url(src: str) -> str:
    """The full-size address of an IMDb thumbnail; any other address unchanged."""
    return _SIZE_SUFFIX.sub(r"._V1_.\1", src)


def person_id_in(href: str) -> str | None:
    """The ``nm...`` id in a link to a person's page, or None when the link is not one."""
    match = _PERSON_ID_IN_LINK.search(urllib.parse.urlsplit(href).path)
    return match.group(1) if match else None


def clean_character(text: str) -> str | None:
    """A character cell's text on one line, without IMDb's episode counts; None when empty."""
    words = " ".join(text.split())
    words = re.sub(r"\s*\(\d+ episodes?,.*\)$", "", words).strip(" /")
    return words or None
