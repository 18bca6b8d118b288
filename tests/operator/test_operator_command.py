"""`wos-operator`, as the chart's Deployment runs it: settings from the environment,
the cluster from its kubeconfig, a liveness endpoint for the probe."""

from __future__ import annotations

import asyncio
import os
import pathlib
import signal
import socket

import aiohttp
import pytest
from film_analyses import NAMESPACE, UserView, example
from kube.fixtures import eventually

pytestmark = pytest.mark.asyncio

COMMAND = pathlib.Path(__file__).resolve().parents[2] / ".venv" / "bin" / "wos-operator"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def healthy(port: int) -> bool:
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                return response.status == 200
    except aiohttp.ClientError:
        return False


async def test_the_command_runs_the_operator_with_a_liveness_endpoint(
    user: UserView, kube_emulator: object, kubeconfig: pathlib.Path
) -> None:
    kube_emulator.namespaces.add(NAMESPACE)  # type: ignore[attr-defined]
    port = free_port()
    environment = {
        **os.environ,
        "KUBECONFIG": str(kubeconfig),
        "WOS_WATCH_NAMESPACES": NAMESPACE,
        "WOS_POLL_SECONDS": "0.2",
        "WOS_HEALTH_PORT": str(port),
        "WOS_SCRAPER_IMAGE": "registry.local/scraper:dev",
    }
    environment.pop("KUBERNETES_SERVICE_HOST", None)
    process = await asyncio.create_subprocess_exec(
        str(COMMAND), env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await eventually(lambda: healthy(port), timeout=30, what="the liveness endpoint")
        await user.submit(example("hamilton.yaml"))
        [job] = await eventually(user.jobs, timeout=15, what="the gallery job")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        log = output.decode()
        print(log)
    assert job["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "registry.local/scraper:dev"
    )
    assert "Watching FilmAnalyses in films" in log
    assert "GalleryStarted: Building the cast's gallery with job" in log
    assert process.returncode == 0, log


async def test_the_command_refuses_a_bad_setting_with_one_line_and_exit_code_2() -> None:
    environment = {**os.environ, "WOS_GPU_TOLERATIONS": '{"key": "gpu"}'}
    process = await asyncio.create_subprocess_exec(
        str(COMMAND), env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, error = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert error.decode() == (
        'wos-operator: WOS_GPU_TOLERATIONS is \'{"key": "gpu"}\': give a JSON list of '
        'tolerations, e.g. [{"key": "nvidia.com/gpu", "operator": "Exists", '
        '"effect": "NoSchedule"}]\n'
    )


async def test_the_command_without_a_cluster_says_how_to_give_it_one(
    tmp_path: pathlib.Path,
) -> None:
    environment = {
        key: value for key, value in os.environ.items()
        if key not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT")
    }
    environment["HOME"] = str(tmp_path)  # no ~/.kube/config either
    process = await asyncio.create_subprocess_exec(
        str(COMMAND), env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, error = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert error.decode().startswith("wos-operator: no cluster to talk to (")
    assert error.decode().endswith(
        "run it in a pod with a service account, or point KUBECONFIG at a cluster\n"
    )
