"""``wos analyze`` refuses bad input with one line, exit code 1, and nothing written."""

from __future__ import annotations

import pathlib
import subprocess

import PIL.Image
import pytest
import sqlalchemy
from wos_command import Wos, error_line

from wos.storage import database, results, tables

KEPT_ID = "kept-analysis"


@pytest.fixture
def stored_url(sqlite_url: str) -> str:
    """A database already holding a finished analysis, which a refused run must not touch."""
    db = database.open_database(sqlite_url)
    results.start_analysis(
        db, analysis_id=KEPT_ID, film="earlier.mp4", cast="cast",
        settings={"engine": "sface"}, segments_total=1, film_duration=10.0,
    )
    results.record_segment(db, analysis_id=KEPT_ID, segment_index=0, detections=[])
    results.finish_analysis(db, analysis_id=KEPT_ID, people=[], minutes=[], appearances=[])
    db.dispose()
    return sqlite_url


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after."""
    db = database.open_database(url)
    with db.connect() as connection:
        rows = {
            table.name: sorted(map(tuple, connection.execute(sqlalchemy.select(table))), key=str)
            for table in tables.metadata.sorted_tables
        }
    db.dispose()
    return rows


@pytest.fixture
def audio_only_film(tmp_path: pathlib.Path) -> pathlib.Path:
    """An .mp4 holding one second of a tone and no picture."""
    path = tmp_path / "audio_only.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
         "-c:a", "aac", str(path)],
        check=True,
    )
    return path


@pytest.fixture
def faceless_cast(tmp_path: pathlib.Path) -> pathlib.Path:
    """A cast folder whose only photo is a colour gradient: no face to find."""
    person = tmp_path / "faceless" / "Nobody In Particular"
    person.mkdir(parents=True)
    PIL.Image.linear_gradient("L").convert("RGB").resize((320, 320)).save(person / "one.png")
    return tmp_path / "faceless"


def test_a_missing_film_is_refused(
    wos: Wos, stored_url: str, hamilton_cast: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    film = tmp_path / "no_such_film.mp4"
    check_refused(wos, stored_url, [film, "--cast", hamilton_cast], expected=str(film))


def test_a_text_file_as_film_is_refused(
    wos: Wos, stored_url: str, hamilton_cast: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    film = tmp_path / "notes.mp4"
    film.write_text("not a film, just notes\n")
    check_refused(wos, stored_url, [film, "--cast", hamilton_cast], expected=str(film))


def test_a_film_without_a_video_stream_is_refused(
    wos: Wos, stored_url: str, hamilton_cast: pathlib.Path, audio_only_film: pathlib.Path
) -> None:
    check_refused(
        wos, stored_url, [audio_only_film, "--cast", hamilton_cast], expected=str(audio_only_film)
    )


def test_a_missing_cast_folder_is_refused(
    wos: Wos, stored_url: str, hamilton_clip: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    cast = tmp_path / "no_such_cast"
    check_refused(wos, stored_url, [hamilton_clip, "--cast", cast], expected=str(cast))


def test_an_empty_cast_folder_is_refused(
    wos: Wos, stored_url: str, hamilton_clip: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    cast = tmp_path / "empty_cast"
    cast.mkdir()
    check_refused(wos, stored_url, [hamilton_clip, "--cast", cast], expected=str(cast))


def test_a_cast_without_a_usable_face_is_refused(
    wos: Wos, stored_url: str, hamilton_clip: pathlib.Path, faceless_cast: pathlib.Path
) -> None:
    check_refused(
        wos, stored_url, [hamilton_clip, "--cast", faceless_cast], expected=str(faceless_cast)
    )


@pytest.mark.parametrize("fps", ["0", "-2"])
def test_a_sampling_rate_that_is_not_positive_is_refused(
    wos: Wos, stored_url: str, hamilton_clip: pathlib.Path, hamilton_cast: pathlib.Path, fps: str
) -> None:
    check_refused(
        wos, stored_url, [hamilton_clip, "--cast", hamilton_cast, "--fps", fps], expected=fps
    )


def test_an_unreachable_database_is_refused(
    wos: Wos, hamilton_clip: pathlib.Path, hamilton_cast: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    url = "mysql+pymysql://wos:wos@127.0.0.1:1/x"

    refused = wos("analyze", hamilton_clip, "--cast", hamilton_cast, "--db", url)

    assert refused.returncode == 1, refused.stderr
    assert "cannot connect to the database mysql+pymysql://wos:***@127.0.0.1:1/x" in (
        error_line(refused)
    )
    assert "start the server or correct the host and port" in error_line(refused)
    assert not (tmp_path / "wos.db").exists()


def check_refused(wos: Wos, url: str, arguments: list, *, expected: str) -> None:
    """Run `wos analyze` twice, with a new and with the stored analysis's id: both refused."""
    before = snapshot(url)

    for extra in ([], ["--analysis-id", KEPT_ID]):
        refused = wos("analyze", *arguments, "--db", url, *extra)

        assert refused.returncode == 1, refused.stderr
        assert expected in error_line(refused)
        assert refused.stdout == ""
        assert "Segments" not in refused.stderr  # no progress bar for work never started
        assert snapshot(url) == before
