"""Loading the engines: names, model files, providers, and how they may travel."""

from __future__ import annotations

import logging
import pathlib
import pickle
import re
import shutil

import numpy as np
import onnxruntime
import pytest

from wos import errors
from wos.faces import engine as face_engine
from wos.faces import engines, models
from wos.gallery import galleries, matching, photos

# The model files each engine checks before it loads.
ENGINE_FILES = [
    ("sface", models.YUNET),
    ("sface", models.SFACE),
    ("insightface", models.PACK_SCRFD),
    ("insightface", models.PACK_SFACE),
]


def test_an_unknown_engine_name_is_refused_with_the_valid_names() -> None:
    with pytest.raises(errors.SettingsError) as raised:
        engines.load_engine("dlib")

    assert "'dlib'" in str(raised.value)
    assert "sface" in str(raised.value) and "insightface" in str(raised.value)


@pytest.mark.parametrize(("name", "model"), ENGINE_FILES)
def test_a_missing_model_file_names_the_file_and_the_fetch_script(
    model_copy: pathlib.Path, name: str, model: models.ModelFile
) -> None:
    (model_copy / model.path).unlink()

    with pytest.raises(errors.ModelError) as raised:
        engines.load_engine(name, model_dir=model_copy)

    assert str(model_copy / model.path) in str(raised.value)
    assert "missing" in str(raised.value)
    assert "scripts/fetch_models.py" in str(raised.value)


@pytest.mark.parametrize(("name", "model"), ENGINE_FILES)
def test_a_corrupt_model_file_fails_its_checksum(
    model_copy: pathlib.Path, name: str, model: models.ModelFile
) -> None:
    path = model_copy / model.path
    content = bytearray(path.read_bytes())
    path.unlink()
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))

    with pytest.raises(errors.ModelError) as raised:
        engines.load_engine(name, model_dir=model_copy)

    assert str(path) in str(raised.value)
    assert f"expected {model.sha256}" in str(raised.value)
    assert "scripts/fetch_models.py" in str(raised.value)


def test_the_model_folder_comes_from_the_environment(
    model_copy: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(models.MODEL_DIR_VARIABLE, str(model_copy))
    (model_copy / models.YUNET.path).unlink()

    with pytest.raises(errors.ModelError, match=re.escape(str(model_copy))):
        engines.load_engine("sface")


@pytest.mark.parametrize("name", sorted(engines.ENGINES))
def test_loading_an_engine_logs_where_it_runs(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="wos.faces"):
        engines.load_engine(name)

    lines = [record.getMessage() for record in caplog.records if record.name.startswith("wos")]
    assert len(lines) == 1
    assert re.fullmatch(
        rf"face engine {name} runs on the (CPU|GPU) \((CPU|CUDA)ExecutionProvider\)", lines[0]
    )
    if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
        assert lines[0].endswith("runs on the CPU (CPUExecutionProvider)")


def test_an_engine_refuses_to_be_pickled_and_says_what_to_do_instead(
    engine: face_engine.FaceEngine,
) -> None:
    with pytest.raises(TypeError, match="load_engine"):
        pickle.dumps(engine)


def test_an_insightface_pack_folder_without_models_is_refused(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WOS_INSIGHTFACE_PACK", str(tmp_path))

    with pytest.raises(errors.ModelError, match=re.escape(str(tmp_path))):
        engines.load_engine("insightface")


def test_an_insightface_pack_folder_can_be_chosen(
    model_copy: pathlib.Path,
    tmp_path: pathlib.Path,
    samples: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pack = tmp_path / "my_pack"
    pack.mkdir()
    for model in (models.PACK_SCRFD, models.PACK_SFACE):
        shutil.copyfile(model_copy / model.path, pack / pathlib.Path(model.path).name)
    monkeypatch.setenv("WOS_INSIGHTFACE_PACK", str(pack))

    engine = engines.load_engine("insightface", model_dir=tmp_path / "nowhere")
    gallery = galleries.load_gallery(samples / "faces" / "train", engine)
    group = engine.faces(photos.load_photo(samples / "faces" / "test" / "obama_and_biden.jpg"))
    embeddings = np.stack([face.embedding for face in sorted(group, key=lambda f: f.box[0])])

    # SFace is recognised in any folder: its threshold, and its raw 0-255 input (with
    # insightface's guess, 127.5 +- 127.5, all three faces come out as Joe Biden).
    assert engine.default_threshold == 0.36
    found = matching.match_faces(gallery, embeddings, engine.default_threshold)
    assert [match.person for match in found] == ["Joe Biden", "Barack Obama", None]
