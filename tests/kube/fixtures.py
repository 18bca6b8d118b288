"""pytest fixtures around the emulator: the server, a kubernetes client, a kubeconfig."""

from __future__ import annotations

import asyncio
import contextlib
import pathlib
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import kmock
import kopf
import kubernetes.client
import pytest
import pytest_asyncio
import yaml

from kube import emulator
from wos_operator import handlers, main, settings

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
CRD_FILE = REPOSITORY / "crds" / "filmanalysis.yaml"


@pytest_asyncio.fixture
async def kube_emulator() -> AsyncIterator[emulator.KubernetesEmulator]:
    """A Kubernetes API emulator over real HTTP with the built-in kinds and the FilmAnalysis."""
    async with emulator.KubernetesEmulator() as server, kmock.Server(server):
        with warnings.catch_warnings():  # kmock 0.8 reads its bundle the deprecated way
            warnings.simplefilter("ignore", DeprecationWarning)
            server.resources.load_bundled()
        server.declare_crd(yaml.safe_load(CRD_FILE.read_text()))
        yield server


@pytest.fixture
def api_client(
    kube_emulator: emulator.KubernetesEmulator,
) -> Iterator[kubernetes.client.ApiClient]:
    """The official client, talking to the emulator; call it through asyncio.to_thread."""
    configuration = kubernetes.client.Configuration(host=str(kube_emulator.url).rstrip("/"))
    client = kubernetes.client.ApiClient(configuration)
    yield client
    client.close()


@pytest.fixture
def kubeconfig(kube_emulator: emulator.KubernetesEmulator, tmp_path: pathlib.Path) -> pathlib.Path:
    """A kubeconfig whose current context is the emulator, namespace ``default``."""
    path = tmp_path / "kubeconfig"
    server = str(kube_emulator.url).rstrip("/")
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "emulator", "cluster": {"server": server}}],
        "users": [{"name": "tester", "user": {"token": "emulator"}}],
        "contexts": [{"name": "emulator", "context": {
            "cluster": "emulator", "user": "tester", "namespace": "default"}}],
        "current-context": "emulator",
    }))
    return path


OperatorRunner = Callable[..., contextlib.AbstractAsyncContextManager[None]]


@pytest.fixture
def operator_settings() -> settings.OperatorSettings:
    """The operator's settings in tests: polls and retries in fractions of a second."""
    return settings.OperatorSettings(
        poll_seconds=0.2, retry_backoff_seconds=0.3, retry_backoff_max_seconds=1.0
    )


@pytest.fixture
def running_operator(
    kube_emulator: emulator.KubernetesEmulator,
    api_client: kubernetes.client.ApiClient,
    operator_settings: settings.OperatorSettings,
) -> OperatorRunner:
    """Runs the real operator against the emulator for the body of an ``async with``::

        async with running_operator():                          # operator_settings
        async with running_operator(other_settings, namespaces=("films",)):

    It watches every namespace unless given some; those given become the emulator's.
    """

    @contextlib.asynccontextmanager
    async def run(
        config: settings.OperatorSettings | None = None, namespaces: tuple[str, ...] = ()
    ) -> AsyncIterator[None]:
        config = config or operator_settings
        kube_emulator.namespaces.update(namespaces)
        registry = kopf.OperatorRegistry()
        handlers.register(registry, main.build_runtime(config, api_client))
        server = str(kube_emulator.url).rstrip("/")

        @kopf.on.login(registry=registry)
        def login(**_: Any) -> kopf.ConnectionInfo:
            return kopf.ConnectionInfo(server=server)

        # Kopf cancels the tasks made after it starts: it runs inside the test, not beside.
        stop, ready = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(kopf.operator(
            registry=registry, standalone=True, clusterwide=not namespaces,
            namespaces=namespaces, stop_flag=stop, ready_flag=ready,
        ))
        await asyncio.wait_for(ready.wait(), timeout=10)
        try:
            yield
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=10)

    return run


async def eventually(
    check: Callable[[], Awaitable[Any]], *, timeout: float = 10.0, what: str = "the condition"
) -> Any:
    """The first truthy result of ``check``, polled until ``timeout`` seconds pass."""
    deadline = asyncio.get_running_loop().time() + timeout
    last: Any = None
    while asyncio.get_running_loop().time() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s; last seen: {last!r}")
