"""Downloading photos without a browser: retries, timeouts, content types and size limits."""

from __future__ import annotations

import logging

import pytest
from local_site import Route, site_settings
from wos.scraping import downloads, visits


def _download(site, path, **changes) -> bytes:
    settings = site_settings(site, **changes)
    session = downloads.new_session(settings)
    return downloads.download_photo(
        session, visits.Visits(settings, session), settings, f"{site.url}{path}"
    )


def test_a_photo_is_downloaded_whole_with_the_project_user_agent(fresh_site, samples):
    data = _download(fresh_site, "/photos/obama.jpg")

    assert data == (samples / "faces" / "train" / "Barack Obama" / "obama.jpg").read_bytes()
    photo_hits = [hit for hit in fresh_site.hits if hit.path == "/photos/obama.jpg"]
    assert photo_hits[0].user_agent.startswith("who-is-on-screen/0.1.0 (+https://")


def test_a_slow_photo_within_the_timeout_is_downloaded(fresh_site):
    assert _download(fresh_site, "/photos/rose_slow.jpg").startswith(b"\xff\xd8")


@pytest.mark.parametrize(
    ("path", "reason", "tries"),
    [
        ("/photos/missing.jpg", "answered HTTP 404", 1),
        ("/photos/john2.html", "is text/html, not an image", 1),
        ("/photos/stuck.jpg", "did not answer within 1.5 s after 2 tries", 2),
    ],
    ids=["missing", "wrong-content-type", "timeout"],
)
def test_a_photo_that_cannot_be_had_fails_with_the_reason(fresh_site, path, reason, tries):
    with pytest.raises(downloads.DownloadFailed) as failed:
        _download(fresh_site, path)

    assert failed.value.reason.startswith(f"{fresh_site.url}{path} ")
    assert failed.value.reason.endswith(reason)
    assert fresh_site.paths_hit().count(path) == tries


def test_a_photo_over_the_size_limit_is_refused(fresh_site):
    with pytest.raises(downloads.DownloadFailed, match="over the limit of 1000"):
        _download(fresh_site, "/photos/obama.jpg", max_photo_bytes=1000)


def test_a_busy_site_is_retried_with_backoff_until_it_answers(fresh_site, caplog):
    fresh_site.routes["/photos/busy.jpg"] = Route(
        fresh_site.routes["/photos/biden.jpg"].body, "image/jpeg", busy_first=2
    )
    caplog.set_level(logging.WARNING)

    data = _download(fresh_site, "/photos/busy.jpg", attempts=3)

    assert data == fresh_site.routes["/photos/biden.jpg"].body
    assert fresh_site.paths_hit().count("/photos/busy.jpg") == 3
    retries = [r.getMessage() for r in caplog.records if "trying again" in r.getMessage()]
    assert retries == [
        f"{fresh_site.url}/photos/busy.jpg answered HTTP 503; trying again in 0.1 s (try 2)",
        f"{fresh_site.url}/photos/busy.jpg answered HTTP 503; trying again in 0.2 s (try 3)",
    ]


def test_a_photo_disallowed_by_robots_txt_is_not_requested(fresh_site):
    fresh_site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /photos/\n", "text/plain")
    try:
        with pytest.raises(downloads.DownloadFailed, match=r"robots\.txt disallows"):
            _download(fresh_site, "/photos/obama.jpg")
    finally:
        fresh_site.routes["/robots.txt"] = Route(
            b"User-agent: *\nDisallow: /name/nm0000008/\n", "text/plain"
        )
    assert "/photos/obama.jpg" not in fresh_site.paths_hit()
