"""The face model files: where they live, what they must hash to, and checking them.

``scripts/fetch_models.py`` lays the files out; the engines only read them. Every file is
checked against the sha256 recorded here before an engine loads it, so a truncated download
or a swapped file fails with a ``ModelError`` that names the file and the fix instead of
producing wrong faces.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pathlib

from wos import errors

# Where the models live unless $WOS_MODEL_DIR says otherwise: a per-user cache, because the
# files are fetched once per machine (or baked into an image) and shared by every checkout.
DEFAULT_MODEL_DIR = pathlib.Path("~/.cache/who-is-on-screen/models")
MODEL_DIR_VARIABLE = "WOS_MODEL_DIR"
FETCH_COMMAND = ".venv/bin/python scripts/fetch_models.py"

# The insightface model packs sit in <model dir>/insightface/models/<pack>, the layout
# insightface's FaceAnalysis(name=<pack>, root=<model dir>/insightface) looks up.
INSIGHTFACE_ROOT = "insightface"
OFFLINE_PACK = "wos_scrfd_sface"
BUFFALO_PACK = "buffalo_l"


@dataclasses.dataclass(frozen=True)
class ModelFile:
    """One model file as the engines expect to find it in the model folder."""

    # Path relative to the model folder.
    path: str
    # sha256 of the file as laid out: YuNet and SFace after scripts/fetch_models.py made
    # them runnable by onnxruntime, SCRFD as published.
    sha256: str
    # What the file is, for error messages and docs/models.md.
    title: str


YUNET = ModelFile(
    path="face_detection_yunet_2023mar_int8bq.onnx",
    sha256="02130c4525939bba1e3e4b539fe9e1345a7c6d4fe0b13c6a4510cbcc9bd96773",
    title="YuNet face detector",
)
SFACE = ModelFile(
    path="face_recognition_sface_2021dec_int8bq.onnx",
    sha256="ee7792c3be6979202dc69f7802c017c43109b97d5cf96b9d72863fa61c1fece1",
    title="SFace face recognizer",
)
SCRFD = ModelFile(
    path="scrfd_2.5g_kps.onnx",
    sha256="9c162a817c7dd32d35d1f1c6ae6445032d6e73c6c5fe61d8b5b663ba8bc86b30",
    title="SCRFD-2.5G face detector with keypoints",
)
# The offline insightface pack holds copies of SCRFD and SFace under names that sort the
# detector first (insightface keeps the first model of each task it finds).
PACK_SCRFD = dataclasses.replace(
    SCRFD, path=f"{INSIGHTFACE_ROOT}/models/{OFFLINE_PACK}/det_scrfd_2.5g_kps.onnx"
)
PACK_SFACE = dataclasses.replace(
    SFACE, path=f"{INSIGHTFACE_ROOT}/models/{OFFLINE_PACK}/rec_sface_2021dec_int8bq.onnx"
)
ALL_FILES = (YUNET, SFACE, SCRFD, PACK_SCRFD, PACK_SFACE)


def model_dir(explicit: pathlib.Path | None = None) -> pathlib.Path:
    """The model folder: the one given, else $WOS_MODEL_DIR, else the per-user cache."""
    if explicit is not None:
        return pathlib.Path(explicit).expanduser()
    configured = os.environ.get(MODEL_DIR_VARIABLE)
    return pathlib.Path(configured or DEFAULT_MODEL_DIR).expanduser()


def require(model: ModelFile, folder: pathlib.Path) -> pathlib.Path:
    """The path of a model file after checking it exists and matches its checksum."""
    path = folder / model.path
    if not path.is_file():
        raise errors.ModelError(
            f"The {model.title} model file {path} is missing; "
            f"run `{FETCH_COMMAND} --model-dir {folder}` to fetch it."
        )
    stat = path.stat()
    actual = _file_sha256(path, stat.st_size, stat.st_mtime_ns)
    if actual != model.sha256:
        raise errors.ModelError(
            f"The {model.title} model file {path} has sha256 {actual}, expected "
            f"{model.sha256}; run `{FETCH_COMMAND} --model-dir {folder}` to fetch it again."
        )
    return path


def is_file_of(model: ModelFile, path: pathlib.Path) -> bool:
    """Whether the file at ``path`` is this model (same sha256), wherever it lies."""
    stat = path.stat()
    return _file_sha256(path, stat.st_size, stat.st_mtime_ns) == model.sha256


def file_sha256(path: pathlib.Path) -> str:
    """The sha256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# Keyed by size and modification time too, so that a file replaced in place is hashed again,
# while a Spark task that builds its engine again does not re-read 14 MB of unchanged models.
@functools.lru_cache(maxsize=32)
def _file_sha256(path: pathlib.Path, size: int, mtime_ns: int) -> str:
    return file_sha256(path)
