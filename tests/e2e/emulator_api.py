"""The Kubernetes API emulator of the operator tests, served for kubectl and the operator.

It is tests/kube/emulator.py's emulator with one fix more: kmock 0.8 answers the core
group's discovery (``/api/v1``) with ``groupVersion: "/v1"``, so kubectl finds no kind
``Secret`` (or any core kind) in ``v1`` and refuses to apply one. (Proposed for
tests/kube/emulator.py; until it lands there, it lives here.)
"""

from __future__ import annotations

import contextlib
import pathlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import attrs
import kmock
import yaml
from kmock._internal import rendering

from kube import emulator

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
CRD_FILE = REPOSITORY / "crds" / "filmanalysis.yaml"


@attrs.define(kw_only=True)
class KubernetesEmulator(emulator.KubernetesEmulator):
    """The operator tests' emulator, with the core group's discovery as kubectl needs it."""

    async def _serve_version(self, request: rendering.Request) -> rendering.Payload:
        payload = await super()._serve_version(request)
        if isinstance(payload, dict) and str(payload.get("groupVersion", "")).startswith("/"):
            payload["groupVersion"] = payload["groupVersion"].lstrip("/")
        return payload


@contextlib.asynccontextmanager
async def serving(crd: Mapping[str, Any] | None = None) -> AsyncIterator[KubernetesEmulator]:
    """The emulator over real HTTP, with the built-in kinds and the FilmAnalysis CRD."""
    async with KubernetesEmulator() as server, kmock.Server(server):
        server.resources.load_bundled()
        server.declare_crd(crd or yaml.safe_load(CRD_FILE.read_text()))
        yield server


def write_kubeconfig(
    server: KubernetesEmulator, path: pathlib.Path, namespace: str
) -> pathlib.Path:
    """A kubeconfig whose current context is the emulator, in ``namespace``."""
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "emulator", "cluster": {"server": str(server.url).rstrip("/")}}],
        "users": [{"name": "developer", "user": {"token": "emulator"}}],
        "contexts": [{"name": "emulator", "context": {
            "cluster": "emulator", "user": "developer", "namespace": namespace}}],
        "current-context": "emulator",
    }))
    return path
