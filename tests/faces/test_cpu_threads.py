"""How many CPU threads a face engine's sessions take: one task's share under Spark."""

from __future__ import annotations

import pytest

from wos.faces import providers


@pytest.mark.parametrize(
    ("omp_num_threads", "threads"),
    [("1", 1), ("3", 3), ("", 0), ("many", 0)],
)
def test_sessions_take_the_threads_spark_gives_each_task(
    monkeypatch: pytest.MonkeyPatch, omp_num_threads: str, threads: int
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", omp_num_threads)

    assert providers.cpu_threads() == threads


def test_an_engine_limited_to_one_thread_finds_the_same_face(
    monkeypatch: pytest.MonkeyPatch, samples
) -> None:
    from wos.faces import engines
    from wos.gallery import photos

    image = photos.load_photo(samples / "faces" / "test" / "obama1.jpg")
    unlimited = engines.load_engine("sface").faces(image)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    limited = engines.load_engine("sface").faces(image)

    assert len(limited) == len(unlimited) == 1
    assert float(limited[0].embedding @ unlimited[0].embedding) > 0.999
