"""who-is-on-screen installed on the emulated cluster, as a user installs it on a real one.

`installed_cluster` does what the user and the cluster do after `helm install`: the user
creates the database Secret; the chart's objects, rendered by the real Helm library, are
applied with kubectl; the kubelet harness runs the operator's Deployment pod (the real
`wos-operator` command with the environment the chart gives it) and every Job it creates.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import pathlib
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import kubernetes.client
import yaml
import emulator_api

import chart_release
import kubelet
from kubectl_command import Kubectl

NAMESPACE = chart_release.NAMESPACE
GROUP, VERSION, PLURAL = "whoisonscreen.io", "v1alpha1", "filmanalyses"
# The operator lists its resources and serves /healthz within seconds; a loaded machine
# may take a while to import Kopf and the Kubernetes client.
OPERATOR_START_SECONDS = 60


@dataclasses.dataclass
class EmulatedCluster:
    """The running install: the API, kubectl, the chart's objects, the kubelet, the operator."""

    client: kubernetes.client.ApiClient
    kubectl: Kubectl
    release: chart_release.Release
    kubelet: kubelet.Kubelet
    operator: kubelet.PodRun

    async def submit(
        self,
        document: dict[str, Any],
        folder: pathlib.Path,
        *,
        timeout: float,
        on_change: Callable[[dict[str, Any]], None] | None = None,
    ) -> tuple[str, asyncio.Task[list[str]]]:
        """`kubectl apply -f film.yaml`, and a watch of its phases opened just before."""
        name = document["metadata"]["name"]
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        opened = asyncio.Event()
        phases = asyncio.create_task(self.follow_phases(
            name, until=("Succeeded", "Failed"), timeout=timeout, on_change=on_change,
            opened=opened,
        ))
        try:
            await asyncio.wait_for(opened.wait(), timeout=30)  # sees the first phase too
            applied = await self.kubectl("apply", "--validate=false", "-f", str(path))
        except BaseException:
            phases.cancel()
            raise
        return applied.strip(), phases

    async def film_analysis(self, name: str) -> dict[str, Any]:
        api = kubernetes.client.CustomObjectsApi(self.client)
        return await _call(api.get_namespaced_custom_object, GROUP, VERSION, NAMESPACE,
                           PLURAL, name)

    async def events(self, name: str) -> list[dict[str, Any]]:
        """The Events about the FilmAnalysis ``name``, oldest first."""
        core = kubernetes.client.CoreV1Api(self.client)
        listing = await _call(core.list_namespaced_event, NAMESPACE)
        return [
            event for event in listing["items"]
            if event["involvedObject"].get("kind") == "FilmAnalysis"
            and event["involvedObject"].get("name") == name
        ]

    async def follow_phases(
        self, name: str, *, until: tuple[str, ...], timeout: float,
        on_change: Callable[[dict[str, Any]], None] | None = None,
        opened: asyncio.Event | None = None,
    ) -> list[str]:
        """Every phase the FilmAnalysis passes through, from the API's watch, until one of
        ``until``; fails when the kubelet meets a pod it cannot start or time runs out."""
        phases: list[str] = []
        url = (f"{self.client.configuration.host}/apis/{GROUP}/{VERSION}/namespaces/"
               f"{NAMESPACE}/{PLURAL}?watch=true")
        try:
            async with aiohttp.ClientSession() as session, session.get(
                url, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                if opened is not None:
                    opened.set()
                async for line in response.content:
                    film_analysis = json.loads(line)["object"]
                    if film_analysis["metadata"]["name"] != name:
                        continue
                    phase = (film_analysis.get("status") or {}).get("phase")
                    if phase and (not phases or phases[-1] != phase):
                        phases.append(phase)
                        if on_change is not None:
                            on_change(film_analysis)
                    if self.kubelet.problems:
                        raise AssertionError(f"the kubelet harness: {self.kubelet.problems}")
                    if phase in until:
                        return phases
        except TimeoutError:
            pass
        raise AssertionError(f"{name} did not reach {until} in {timeout} s; phases {phases}")


@contextlib.asynccontextmanager
async def installed_cluster(
    server: emulator_api.KubernetesEmulator,
    kubeconfig: pathlib.Path,
    *,
    database_url: str,
    site_url: str,
    root: pathlib.Path,
    watch_scope: str = "cluster",
    on_event: Callable[[str], None] | None = None,
) -> AsyncIterator[EmulatedCluster]:
    """The chart installed (``watch_scope`` is its ``watch.scope``, ``site_url`` its
    ``scraper.baseUrl``), the operator running and the kubelet running Jobs, for the body
    of the ``async with``."""
    say = on_event or (lambda line: None)
    server.namespaces.add(NAMESPACE)
    client = kubernetes.client.ApiClient(
        kubernetes.client.Configuration(host=str(server.url).rstrip("/"))
    )
    kubectl = Kubectl(kubeconfig, NAMESPACE)
    root.mkdir(parents=True, exist_ok=True)
    try:
        # What the chart's README asks of a user with an external MySQL server. (The
        # emulator speaks no protobuf, which `kubectl create secret` sends; `apply` sends
        # JSON, so the Secret goes through the usual --dry-run=client | apply idiom.)
        secret = root / "database-secret.yaml"
        secret.write_text(await kubectl(
            "create", "secret", "generic", chart_release.DATABASE_SECRET,
            f"--from-literal={chart_release.DATABASE_KEY}={database_url}",
            "--dry-run=client", "--output=yaml",
        ))
        say((await kubectl("apply", "--validate=false", "-f", str(secret))).strip())

        # helm install: the CRDs first, then the templates.
        release = chart_release.render(
            chart_release.install_values(
                health_port=_free_port(), scraper_base_url=site_url, watch_scope=watch_scope
            )
        )
        crds = root / "crds.yaml"
        crds.write_text(yaml.safe_dump_all(release.crds, sort_keys=False))
        say((await kubectl("apply", "--validate=false", "-f", str(crds))).strip())
        applied = await kubectl("apply", "--validate=false", "-f", str(release.write(
            root / "release.yaml")))
        say(applied.strip())

        deployment = release.operator_deployment
        images = release.images()
        node = kubelet.Kubelet(
            client, namespace=NAMESPACE, root=root, on_event=say,
            images=kubelet.local_images(
                analyzer=images["WOS_ANALYZER_IMAGE"], scraper=images["WOS_SCRAPER_IMAGE"],
                operator=deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            ),
        )
        operator = await _start_operator(node, deployment, kubeconfig)
        try:
            async with node.running():
                yield EmulatedCluster(client, kubectl, release, node, operator)
        finally:
            await node.stop(operator)
            say(f"operator pod stopped with exit code {operator.exit_code}")
    finally:
        client.close()


async def _start_operator(
    node: kubelet.Kubelet, deployment: dict[str, Any], kubeconfig: pathlib.Path
) -> kubelet.PodRun:
    """The Deployment's pod, run by the kubelet; ready once its liveness probe answers."""
    template = deployment["spec"]["template"]
    pod_name = f"{deployment['metadata']['name']}-{secrets.token_hex(5)}"
    # In a pod the service account's token and the API's address are mounted and set; the
    # emulator's kubeconfig stands in for them.
    run = await node.start(NAMESPACE, pod_name, template["spec"],
                           extra_environment={"KUBECONFIG": str(kubeconfig)})
    (container,) = template["spec"]["containers"]
    probe = container["livenessProbe"]["httpGet"]
    port = next(p["containerPort"] for p in container["ports"] if p["name"] == probe["port"])
    url = f"http://127.0.0.1:{port}{probe['path']}"
    deadline = asyncio.get_running_loop().time() + OPERATOR_START_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        assert run.process is not None
        if run.process.returncode is not None:
            raise AssertionError(f"the operator exited with {run.process.returncode}:\n"
                                 f"{run.log_tail()}")
        with contextlib.suppress(aiohttp.ClientError):
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                if response.status == 200:
                    return run
        await asyncio.sleep(0.5)
    await node.stop(run)
    raise AssertionError(f"the operator's {url} did not answer in {OPERATOR_START_SECONDS} s:\n"
                         f"{run.log_tail()}")


async def _call(method: Callable[..., Any], *args: Any) -> Any:
    response = await asyncio.to_thread(method, *args, _preload_content=False)
    return json.loads(response.data)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
