"""The screen-time rules on hand-made detections: seconds, minutes, appearances."""

from __future__ import annotations

import pytest

from wos import records
from wos.analysis import screentime


def seen(time: float, person: str | None = "Ada", similarity: float = 0.5,
         face_index: int = 0) -> records.Detection:
    return records.Detection(
        segment_index=int(time // 60), frame_time=time, face_index=face_index,
        box=(0.0, 0.0, 10.0, 10.0), person=person, similarity=similarity,
    )


def test_a_second_counts_once_however_many_frames_match_in_it() -> None:
    result = screentime.summarise([seen(3.0), seen(3.5), seen(3.99), seen(4.0)],
                                  appearance_gap_seconds=2)
    [person] = result.people
    assert person.seconds_on_screen == 2
    assert person.frames_matched == 4


def test_seconds_are_whole_seconds_of_the_film_clock_not_of_the_first_sighting() -> None:
    # 0.9 and 1.1 are 0.2 s apart but lie in seconds 0 and 1.
    [person] = screentime.summarise([seen(0.9), seen(1.1)], appearance_gap_seconds=2).people
    assert person.seconds_on_screen == 2


def test_minutes_split_at_sixty_seconds() -> None:
    result = screentime.summarise(
        [seen(58.5), seen(59.0), seen(59.999), seen(60.0), seen(61.5), seen(125.0)],
        appearance_gap_seconds=2,
    )
    table = [(row.minute, row.seconds_on_screen, row.frames_matched, row.first_seen,
              row.last_seen) for row in result.minutes]
    assert table == [(0, 2, 3, 58.5, 59.999), (1, 2, 2, 60.0, 61.5), (2, 1, 1, 125.0, 125.0)]
    assert result.people[0].seconds_on_screen == 5


def test_unknown_faces_give_no_screen_time() -> None:
    result = screentime.summarise([seen(1.0, person=None), seen(2.0, person=None)],
                                  appearance_gap_seconds=2)
    assert (result.people, result.minutes, result.appearances) == ([], [], [])


def test_two_faces_of_one_person_in_a_frame_are_one_sighting_with_the_better_similarity(
) -> None:
    result = screentime.summarise(
        [seen(5.0, similarity=0.4, face_index=0), seen(5.0, similarity=0.7, face_index=1)],
        appearance_gap_seconds=2,
    )
    [minute] = result.minutes
    assert (minute.frames_matched, minute.best_similarity, minute.mean_similarity) == (
        1, 0.7, 0.7)


def test_similarities_are_averaged_over_sightings_and_the_best_is_kept() -> None:
    [person] = screentime.summarise(
        [seen(1.0, similarity=0.4), seen(1.5, similarity=0.6), seen(2.0, similarity=0.8)],
        appearance_gap_seconds=2,
    ).people
    assert person.mean_similarity == pytest.approx(0.6)
    assert person.best_similarity == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        (2.0, [(10.0, 11.5, 4), (14.0, 14.0, 1)]),
        (2.6, [(10.0, 14.0, 5)]),
        (0.4, [(10.0, 10.0, 1), (10.5, 10.5, 1), (11.0, 11.0, 1), (11.5, 11.5, 1),
               (14.0, 14.0, 1)]),
    ],
)
def test_sightings_closer_than_the_gap_merge_into_one_appearance(
    gap: float, expected: list[tuple[float, float, int]]
) -> None:
    times = [10.0, 10.5, 11.0, 11.5, 14.0]
    result = screentime.summarise([seen(time) for time in times], appearance_gap_seconds=gap)
    assert [(a.start, a.end, a.frames_matched) for a in result.appearances] == expected


def test_a_gap_of_exactly_the_setting_splits_the_appearance() -> None:
    result = screentime.summarise([seen(1.0), seen(3.0)], appearance_gap_seconds=2.0)
    assert len(result.appearances) == 2


def test_people_are_ordered_by_screen_time_and_each_gets_their_own_rows() -> None:
    detections = [seen(t, "Bea") for t in (1.0, 2.0, 3.0)] + [seen(t, "Ada") for t in (1.0,)]
    detections += [seen(t, "Cal") for t in (7.0,)]
    result = screentime.summarise(list(reversed(detections)), appearance_gap_seconds=2)
    assert [(p.person, p.seconds_on_screen) for p in result.people] == [
        ("Bea", 3), ("Ada", 1), ("Cal", 1)]
    assert [(m.person, m.minute) for m in result.minutes] == [
        ("Ada", 0), ("Bea", 0), ("Cal", 0)]
