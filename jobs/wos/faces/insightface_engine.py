"""The ``insightface`` engine: insightface's FaceAnalysis over a model pack folder.

With its own ``buffalo_l`` pack (SCRFD-10G + ArcFace R50, 512-d), placed by hand since it
cannot be downloaded here, it is the most accurate engine; without it, it runs the offline
pack that scripts/fetch_models.py assembles (SCRFD-2.5G + SFace, 128-d). The SCRFD weights
are of InsightFace origin: non-commercial use only (docs/models.md).
"""

from __future__ import annotations

import logging
import os
import pathlib
import warnings

import numpy as np
from insightface.app import FaceAnalysis

from wos import errors
from wos.faces import engine, models, providers

logger = logging.getLogger(__name__)

# A pack folder chosen by the user overrides the search below.
PACK_VARIABLE = "WOS_INSIGHTFACE_PACK"
# The cosine thresholds per recognizer. SFace's is measured (docs/thresholds.md); for any
# other (buffalo_l's ArcFace R50), the value commonly used with ArcFace, not measured here.
SFACE_THRESHOLD = 0.36
ARCFACE_THRESHOLD = 0.4
# SCRFD's own default: lower lets through hands and patterns, higher loses turned faces.
DETECTION_THRESHOLD = 0.5


class InsightFaceEngine(engine.LocalEngine):
    """FaceAnalysis with detection and recognition only."""

    name = "insightface"
    # SCRFD scores lower than YuNet: clear portraits of ../shared/samples get 0.72-0.9.
    clear_face_score = 0.6

    def __init__(self, folder: pathlib.Path) -> None:
        pack = pack_folder(folder)
        self.pack = pack.name
        self._analysis = _face_analysis(pack)
        recognizer = self._analysis.models["recognition"]
        if models.is_file_of(models.SFACE, pathlib.Path(recognizer.model_file)):
            # insightface guesses SFace's normalisation wrong; SFace wants raw 0-255 values.
            recognizer.input_mean, recognizer.input_std = 0.0, 1.0
            self.default_threshold = SFACE_THRESHOLD
        else:
            self.default_threshold = ARCFACE_THRESHOLD
        providers.log_provider(self.name, recognizer.session.get_providers()[0])
        logger.debug("insightface pack %s, recognizer %s", pack, recognizer.model_file)

    def faces(self, image_bgr: np.ndarray) -> list[engine.Face]:
        """All faces in an HxWx3 uint8 BGR image, largest first."""
        with warnings.catch_warnings():
            # insightface 2.1 aligns with a scikit-image call deprecated in 0.26; the result
            # stays the same until scikit-image 2.2, and the warning means nothing to a user.
            warnings.filterwarnings(
                "ignore", category=FutureWarning, module=r"insightface\.utils\.face_align"
            )
            analysed_faces = self._analysis.get(image_bgr)
        found = []
        for analysed in analysed_faces:
            x1, y1, x2, y2 = (float(value) for value in analysed.bbox)
            found.append(
                engine.Face(
                    box=(x1, y1, x2 - x1, y2 - y1),
                    score=float(analysed.det_score),
                    landmarks=np.asarray(analysed.kps, dtype=np.float32),
                    embedding=engine.unit_vector(analysed.embedding),
                )
            )
        return engine.largest_first(found)


def pack_folder(folder: pathlib.Path) -> pathlib.Path:
    """The model pack to load: $WOS_INSIGHTFACE_PACK, else buffalo_l, else the offline one."""
    configured = os.environ.get(PACK_VARIABLE)
    if configured:
        pack = pathlib.Path(configured).expanduser()
        if not any(pack.glob("*.onnx")):
            raise errors.ModelError(
                f"The insightface model pack {pack} (from ${PACK_VARIABLE}) holds no .onnx "
                "files; point it at a folder such as buffalo_l, or unset it."
            )
        return pack
    packs = folder / models.INSIGHTFACE_ROOT / "models"
    buffalo = packs / models.BUFFALO_PACK
    if any(buffalo.glob("*.onnx")):
        return buffalo
    # The offline pack is ours, so its files are checked like every other model file.
    models.require(models.PACK_SCRFD, folder)
    models.require(models.PACK_SFACE, folder)
    return packs / models.OFFLINE_PACK


def _face_analysis(pack: pathlib.Path) -> FaceAnalysis:
    """FaceAnalysis on the preferred provider, ready for images of any size."""
    analysis = FaceAnalysis(
        name=str(pack),
        root=str(pack.parent.parent),
        allowed_modules=["detection", "recognition"],
        providers=providers.preferred_providers(),
    )
    if "recognition" not in analysis.models:
        raise errors.ModelError(
            f"The insightface model pack {pack} has no recognition model; "
            "add one (such as buffalo_l's w600k_r50.onnx) or use the offline pack."
        )
    context = 0 if providers.CUDA in providers.preferred_providers() else -1
    analysis.prepare(ctx_id=context, det_thresh=DETECTION_THRESHOLD, det_size=(640, 640))
    return analysis
