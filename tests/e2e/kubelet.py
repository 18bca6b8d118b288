"""A stand-in for the kubelet and the Job controller of the emulated cluster.

For each Job in its namespace it creates the Job's Pod, runs the pod's container as a local
process, and when the process ends writes the outcome into the Pod's and the Job's status,
as the kubelet and the Job controller would. What a container would find in its image and
its volumes is mapped to this machine:

- the image's programs and files to this repository and its virtual environment, and the
  image's environment to the same variables with this machine's paths;
- volumes to folders: a PersistentVolumeClaim (which must exist) to one folder per claim,
  shared by every pod, a ConfigMap (which must exist) to a folder holding its keys;
- ``env`` and ``envFrom`` to the values of the Secrets, ConfigMaps and pod fields they
  name; ``$(VAR)`` in the command to the variable's value, as Kubernetes expands it;
- the Spark driver's cluster to this machine: ``--master k8s://...`` becomes ``local[2]``
  and the ``spark.kubernetes.*`` settings (pod names, executor pod template) are dropped,
  on the command line and in the properties file; every other setting is kept;
- a Job's ``backoffLimit`` and ``activeDeadlineSeconds`` are kept, as the Job controller
  keeps them.

The gallery job's command is run as the operator made it: the local stand-in for IMDb
reaches ``wos gallery build`` as ``--base-url`` through the chart's ``scraper.baseUrl``.

A pod that cannot start (unknown image, missing claim, Secret or ConfigMap) is recorded in
``problems`` and its Job failed, so a test sees the wiring fault at once.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import datetime
import json
import os
import pathlib
import re
import secrets
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

import kubernetes.client
from kubernetes.client.rest import ApiException

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
VENV = REPOSITORY / ".venv"
# The Spark master every driver runs on here: two local cores, one driver at a time.
LOCAL_MASTER = "local[2]"
# How often the Job list is read; a pod starting half a second late costs nothing.
POLL_SECONDS = 0.5
# The kubelet keeps at most this much of a failed container's log as its termination
# message (FallbackToLogsOnError: the last 80 lines, at most 2048 bytes).
TERMINATION_LINES = 80
TERMINATION_BYTES = 2048
# The Job controller's words for a Job's end (Kubernetes 1.31 and later).
COMPLETED = "Reached expected number of succeeded pods"
BACKED_OFF = "Job has reached the specified backoff limit"
PAST_DEADLINE = "Job was active longer than specified deadline"
# Seconds a stopped container gets between SIGTERM and SIGKILL (the pod's default grace).
GRACE_SECONDS = 30


@dataclasses.dataclass(frozen=True)
class LocalImage:
    """Where one container image's programs, files and settings are on this machine."""

    # The image's ENV instructions, with this machine's paths.
    environment: Mapping[str, str]
    # Files the image carries at fixed paths -> the same files here.
    files: Mapping[str, pathlib.Path] = dataclasses.field(default_factory=dict)


def local_images(*, analyzer: str, scraper: str, operator: str) -> dict[str, LocalImage]:
    """The release's three images as installed here (see images/*/Dockerfile)."""
    path = f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin"
    models = os.environ.get(
        "WOS_MODEL_DIR", str(pathlib.Path.home() / ".cache" / "who-is-on-screen" / "models")
    )
    python = {"PATH": path, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return {
        analyzer: LocalImage(
            environment={
                **python,
                "JAVA_HOME": "/usr/lib/jvm/java-17-openjdk-amd64",
                "SPARK_HOME": str(_pyspark_home()),
                "PYSPARK_PYTHON": str(VENV / "bin" / "python"),
                "PYSPARK_DRIVER_PYTHON": str(VENV / "bin" / "python"),
                "WOS_MODEL_DIR": models,
                # The pod's own address; on this machine, the loopback one.
                "SPARK_LOCAL_IP": "127.0.0.1",
            },
            files={"/opt/wos/jobs/analyze_film.py": REPOSITORY / "jobs" / "analyze_film.py"},
        ),
        scraper: LocalImage(
            environment={**python, "SE_OFFLINE": "true", "WOS_MODEL_DIR": models},
        ),
        operator: LocalImage(environment=python),
    }


def _pyspark_home() -> pathlib.Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return VENV / "lib" / version / "site-packages" / "pyspark"


class PodFailure(Exception):
    """A pod that cannot start; the message says what is missing, as `kubectl describe` would."""


@dataclasses.dataclass
class PodRun:
    """One container run as a local process."""

    namespace: str
    name: str
    job: str | None
    argv: list[str]
    environment: dict[str, str]
    log: pathlib.Path
    process: asyncio.subprocess.Process | None = None
    exit_code: int | None = None
    started: float = 0.0
    finished: float = 0.0

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class Kubelet:
    """Runs the emulated cluster's Jobs (and any pod it is handed) as local processes."""

    def __init__(
        self,
        client: kubernetes.client.ApiClient,
        *,
        namespace: str,
        images: Mapping[str, LocalImage],
        root: pathlib.Path,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self._core = kubernetes.client.CoreV1Api(client)
        self._batch = kubernetes.client.BatchV1Api(client)
        self.namespace = namespace
        self.images = dict(images)
        self.root = root
        self.runs: list[PodRun] = []
        self.problems: list[str] = []
        self._on_event = on_event or (lambda line: None)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._deleted_jobs: set[str] = set()

    @property
    def job_runs(self) -> list[PodRun]:
        """The pods run for Jobs, in the order they started."""
        return [run for run in self.runs if run.job is not None]

    def claim_folder(self, claim_name: str) -> pathlib.Path:
        """Where the PersistentVolumeClaim's volume lies on this machine."""
        return self.root / "volumes" / claim_name

    # --- the Job controller -------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Kubelet]:
        """Run the namespace's Jobs while the ``async with`` body runs; stop them after."""
        watcher = asyncio.create_task(self._watch_jobs())
        try:
            yield self
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            for run in self.runs:
                await self.stop(run)
            for task in self._tasks.values():
                task.cancel()
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def _watch_jobs(self) -> None:
        while True:
            try:
                await self._look_at_jobs()
            except Exception as error:  # a harness fault must fail the test, not hide
                self.problems.append(f"the job watcher failed: {error!r}")
                raise
            await asyncio.sleep(POLL_SECONDS)

    async def _look_at_jobs(self) -> None:
        """Start a pod for each new Job; stop the pods whose Job is gone."""
        listing = await self._call(self._batch.list_namespaced_job, self.namespace)
        present = {job["metadata"]["name"] for job in listing["items"]}
        for job in listing["items"]:
            name = job["metadata"]["name"]
            finished = (job.get("status") or {}).get("conditions")
            if name not in self._tasks and not finished:
                self._tasks[name] = asyncio.create_task(self._run_job(job))
        # A Job deleted while its pod runs (a new run, a deleted FilmAnalysis): the
        # garbage collector deletes the pod, and the kubelet stops its container.
        for run in self.runs:
            if run.job and run.job not in present and run.exit_code is None:
                self._deleted_jobs.add(run.job)
                self._on_event(f"job {run.job} deleted: stopping pod {run.name}")
                await self.stop(run)

    async def _run_job(self, job: Mapping[str, Any]) -> None:
        """The Job's one pod, run to its end; the outcome goes into the Job's status."""
        try:
            await self._run_pod_of(job)
        except Exception as error:
            self.problems.append(f"running job {job['metadata']['name']} failed: {error!r}")
            raise

    async def _run_pod_of(self, job: Mapping[str, Any]) -> None:
        """A pod at a time until one succeeds or more than ``backoffLimit`` failed."""
        name = job["metadata"]["name"]
        template = job["spec"]["template"]
        limit = int(job["spec"].get("backoffLimit", 6))  # the API server's default
        await self._patch_job(name, {"active": 1, "startTime": _now()})
        deadline = job["spec"].get("activeDeadlineSeconds")
        ends_at = time.monotonic() + deadline if deadline else None
        failed = 0
        while True:
            pod_name = f"{name}-{secrets.token_hex(3)[:5]}"
            pod = await self._create_pod(job, pod_name, template)
            try:
                run = await self.start(self.namespace, pod_name, template["spec"], job=name)
            except PodFailure as failure:
                self.problems.append(f"pod {pod_name} of job {name} cannot start: {failure}")
                self._on_event(f"pod {pod_name} cannot start: {failure}")
                await self._pod_ended(pod, exit_code=128, message=str(failure))
                await self._job_ended(name, succeeded=False, failed=failed + 1)
                return
            await self._pod_running(pod)
            try:
                timeout = None if ends_at is None else max(0.0, ends_at - time.monotonic())
                exit_code = await asyncio.wait_for(self.wait(run), timeout=timeout)
            except TimeoutError:
                await self.stop(run)
                await self._pod_ended(pod, exit_code=run.exit_code or 143, message="")
                await self._job_ended(name, succeeded=False, failed=failed + 1,
                                      reason="DeadlineExceeded", message=PAST_DEADLINE)
                return
            await self._pod_ended(pod, exit_code=exit_code, message=_termination_message(
                template["spec"]["containers"][0], run.log, exit_code))
            if name in self._deleted_jobs:
                return  # nobody is left to tell, and no new pod is wanted
            if exit_code == 0:
                await self._job_ended(name, succeeded=True, failed=failed)
                return
            failed += 1
            if failed > limit:
                await self._job_ended(name, succeeded=False, failed=failed)
                return
            await self._patch_job(name, {"failed": failed})  # and a new pod, as the Job asks

    async def _create_pod(
        self, job: Mapping[str, Any], pod_name: str, template: Mapping[str, Any]
    ) -> dict[str, Any]:
        metadata = template.get("metadata") or {}
        labels = {**(metadata.get("labels") or {}), "job-name": job["metadata"]["name"],
                  "batch.kubernetes.io/job-name": job["metadata"]["name"]}
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": pod_name,
                "namespace": self.namespace,
                "labels": labels,
                "ownerReferences": [{
                    "apiVersion": "batch/v1", "kind": "Job", "name": job["metadata"]["name"],
                    "uid": job["metadata"].get("uid", ""), "controller": True,
                    "blockOwnerDeletion": True,
                }],
            },
            "spec": template["spec"],
        }
        return await self._call(self._core.create_namespaced_pod, self.namespace, pod)

    async def _pod_running(self, pod: Mapping[str, Any]) -> None:
        container = pod["spec"]["containers"][0]["name"]
        await self._patch_pod(pod, {
            "phase": "Running", "startTime": _now(),
            "containerStatuses": [{"name": container, "ready": True, "restartCount": 0,
                                   "state": {"running": {"startedAt": _now()}}}],
        })

    async def _pod_ended(self, pod: Mapping[str, Any], *, exit_code: int, message: str) -> None:
        """The Pod's status once its container ended, as the kubelet writes it."""
        container = pod["spec"]["containers"][0]["name"]
        terminated = {
            "exitCode": exit_code,
            "reason": "Completed" if exit_code == 0 else "Error",
            "finishedAt": _now(),
        }
        if message:
            terminated["message"] = message
        await self._patch_pod(pod, {
            "phase": "Succeeded" if exit_code == 0 else "Failed",
            "containerStatuses": [{"name": container, "ready": False, "restartCount": 0,
                                   "state": {"terminated": terminated}}],
        })

    async def _patch_pod(self, pod: Mapping[str, Any], status: Mapping[str, Any]) -> None:
        with contextlib.suppress(ApiException):  # the pod may be gone with its Job
            await self._call(
                self._core.patch_namespaced_pod_status, pod["metadata"]["name"],
                self.namespace, {"status": dict(status)},
            )

    async def _job_ended(
        self,
        name: str,
        *,
        succeeded: bool,
        failed: int,
        reason: str = "BackoffLimitExceeded",
        message: str = BACKED_OFF,
    ) -> None:
        """The Job's status once it is done, as the Job controller writes it."""
        now = _now()
        if succeeded:
            status = {"active": None, "succeeded": 1, "failed": failed or None,
                      "completionTime": now,
                      "conditions": _conditions(("SuccessCriteriaMet", "Complete"),
                                                "CompletionsReached", COMPLETED, now)}
        else:
            status = {"active": None, "failed": failed,
                      "conditions": _conditions(("FailureTarget", "Failed"),
                                                reason, message, now)}
        await self._patch_job(name, status)

    async def _patch_job(self, name: str, status: Mapping[str, Any]) -> None:
        with contextlib.suppress(ApiException):  # deleted meanwhile: nobody to tell
            await self._call(
                self._batch.patch_namespaced_job_status, name, self.namespace,
                {"status": dict(status)},
            )

    # --- the kubelet --------------------------------------------------------------------

    async def start(
        self,
        namespace: str,
        pod_name: str,
        pod_spec: Mapping[str, Any],
        *,
        job: str | None = None,
        extra_environment: Mapping[str, str] | None = None,
    ) -> PodRun:
        """Start the pod's one container as a local process; ``PodFailure`` if it cannot."""
        (container,) = pod_spec["containers"]
        image = self.images.get(container["image"])
        if image is None:
            raise PodFailure(
                f"the image {container['image']} is not one of the release's images "
                f"({', '.join(sorted(self.images))})"
            )
        pod_dir = self.root / "pods" / pod_name
        home = pod_dir / "home"
        home.mkdir(parents=True, exist_ok=True)
        mounts = await self._mounts(namespace, pod_spec, container, pod_dir)
        environment = {
            **image.environment,
            "HOME": str(home),
            "HOSTNAME": pod_name,
            **(extra_environment or {}),
        }
        environment.update(await self._container_env(namespace, pod_name, container, environment))

        argv = [_expand(part, environment) for part in
                [*(container.get("command") or []), *(container.get("args") or [])]]
        if not argv:
            raise PodFailure("the container gives no command (the images' entry points are "
                             "not run here)")
        argv = [_local_path(part, {**image.files, **mounts}) for part in argv]
        argv[0] = _program(argv[0], environment["PATH"])
        argv = self._on_this_machine(argv, pod_dir)

        run = PodRun(namespace=namespace, name=pod_name, job=job, argv=argv,
                     environment=environment, log=pod_dir / "container.log")
        self.runs.append(run)
        self._on_event(f"pod {pod_name}: {shown_command(argv)}")
        with run.log.open("wb") as log:
            run.process = await asyncio.create_subprocess_exec(
                *argv, env=environment, cwd=home, stdout=log, stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        run.started = time.monotonic()
        return run

    async def wait(self, run: PodRun) -> int:
        """The container's exit code once it ended."""
        assert run.process is not None
        run.exit_code = await run.process.wait()
        run.finished = time.monotonic()
        self._on_event(
            f"pod {run.name} exited with {run.exit_code} after {run.seconds:.0f} s"
        )
        return run.exit_code

    async def stop(self, run: PodRun) -> None:
        """SIGTERM, then SIGKILL after the grace period, to the container's processes."""
        process = run.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=GRACE_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
        if run.exit_code is None:
            run.exit_code = process.returncode
            run.finished = time.monotonic()

    async def _mounts(
        self,
        namespace: str,
        pod_spec: Mapping[str, Any],
        container: Mapping[str, Any],
        pod_dir: pathlib.Path,
    ) -> dict[str, pathlib.Path]:
        """Mount path -> folder here, for each of the container's volume mounts."""
        volumes = {volume["name"]: volume for volume in pod_spec.get("volumes") or []}
        mounts: dict[str, pathlib.Path] = {}
        for mount in container.get("volumeMounts") or []:
            volume = volumes.get(mount["name"])
            if volume is None:
                raise PodFailure(f"the volume mount {mount['name']} names no volume of the pod")
            mounts[mount["mountPath"]] = await self._volume(namespace, volume, pod_dir)
        return mounts

    async def _volume(
        self, namespace: str, volume: Mapping[str, Any], pod_dir: pathlib.Path
    ) -> pathlib.Path:
        if "persistentVolumeClaim" in volume:
            claim = volume["persistentVolumeClaim"]["claimName"]
            await self._read(
                self._core.read_namespaced_persistent_volume_claim, claim, namespace,
                missing=f'persistentvolumeclaim "{claim}" not found',
            )
            folder = self.claim_folder(claim)
        elif "configMap" in volume:
            name = volume["configMap"]["name"]
            config_map = await self._read(
                self._core.read_namespaced_config_map, name, namespace,
                missing=f'configmap "{name}" not found',
            )
            folder = pod_dir / "volumes" / volume["name"]
            folder.mkdir(parents=True, exist_ok=True)
            for key, text in (config_map.get("data") or {}).items():
                (folder / key).write_text(text)
        elif "emptyDir" in volume:
            folder = pod_dir / "volumes" / volume["name"]
        else:
            raise PodFailure(f"the volume {volume['name']} is of a kind this harness lacks")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    async def _container_env(
        self,
        namespace: str,
        pod_name: str,
        container: Mapping[str, Any],
        environment: Mapping[str, str],
    ) -> dict[str, str]:
        """The container's ``envFrom``, then its ``env`` in order, resolved as the kubelet
        resolves them; a missing source fails the pod unless it is marked optional."""
        values: dict[str, str] = {}
        for source in container.get("envFrom") or []:
            kind = "secretRef" if "secretRef" in source else "configMapRef"
            reference = source[kind]
            try:
                data = await self._data(namespace, kind, reference["name"])
            except PodFailure:
                if reference.get("optional"):
                    continue
                raise
            values.update({source.get("prefix", "") + key: value for key, value in data.items()})
        for variable in container.get("env") or []:
            name = variable["name"]
            if "value" in variable:
                values[name] = _expand(str(variable["value"]), {**environment, **values})
                continue
            source = variable.get("valueFrom") or {}
            if "secretKeyRef" in source or "configMapKeyRef" in source:
                kind = "secretRef" if "secretKeyRef" in source else "configMapRef"
                reference = source.get("secretKeyRef") or source["configMapKeyRef"]
                try:
                    data = await self._data(namespace, kind, reference["name"])
                    if reference["key"] not in data:
                        raise PodFailure(f"couldn't find key {reference['key']} in "
                                         f"{namespace}/{reference['name']}")
                except PodFailure:
                    if reference.get("optional"):
                        continue
                    raise
                values[name] = data[reference["key"]]
            elif "fieldRef" in source:
                field = source["fieldRef"]["fieldPath"]
                fields = {"metadata.name": pod_name, "metadata.namespace": namespace}
                if field not in fields:
                    raise PodFailure(f"the field {field} of {name} is not one the harness knows")
                values[name] = fields[field]
            else:
                raise PodFailure(f"the variable {name} has a source the harness lacks")
        return values

    async def _data(self, namespace: str, kind: str, name: str) -> dict[str, str]:
        """The keys and values of a Secret (decoded) or a ConfigMap; ``PodFailure`` if absent."""
        if kind == "secretRef":
            secret = await self._read(self._core.read_namespaced_secret, name, namespace,
                                      missing=f'secret "{name}" not found')
            decoded = {key: base64.b64decode(value).decode()
                       for key, value in (secret.get("data") or {}).items()}
            return {**decoded, **(secret.get("stringData") or {})}
        config_map = await self._read(self._core.read_namespaced_config_map, name, namespace,
                                      missing=f'configmap "{name}" not found')
        return dict(config_map.get("data") or {})

    def _on_this_machine(self, argv: list[str], pod_dir: pathlib.Path) -> list[str]:
        """The program's arguments for this machine's Spark (see the module)."""
        if pathlib.Path(argv[0]).name == "spark-submit":
            return local_spark_submit(argv, pod_dir)
        return argv

    # --- the API ------------------------------------------------------------------------

    async def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        response = await asyncio.to_thread(method, *args, _preload_content=False)
        return json.loads(response.data)

    async def _read(self, method: Callable[..., Any], *args: Any, missing: str) -> Any:
        try:
            return await self._call(method, *args)
        except ApiException as error:
            if error.status == 404:
                raise PodFailure(missing) from None
            raise


def local_spark_submit(argv: Sequence[str], pod_dir: pathlib.Path) -> list[str]:
    """``spark-submit`` for Kubernetes turned into the same submission on ``local[2]``.

    The master becomes local; ``spark.kubernetes.*`` settings are dropped from the command
    line and from the properties file (written anew beside the pod); the application and
    its arguments, and every other setting, stay as they are.
    """
    local = [argv[0]]
    index = 1
    while index < len(argv):
        option = argv[index]
        if not option.startswith("--"):
            local.extend(argv[index:])  # the application and its own arguments
            break
        if option in ("--verbose", "--supervise"):
            local.append(option)
            index += 1
            continue
        value = argv[index + 1]
        if option == "--master":
            value = LOCAL_MASTER
        elif option == "--conf" and value.startswith("spark.kubernetes."):
            index += 2
            continue
        elif option == "--properties-file":
            value = str(_local_properties(pathlib.Path(value), pod_dir / "spark-local.conf"))
        local += [option, value]
        index += 2
    return local


def _local_properties(source: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    lines = []
    for line in source.read_text().splitlines():
        key = line.split(maxsplit=1)[0] if line.strip() else ""
        if key.startswith("spark.kubernetes."):
            continue
        lines.append(f"spark.master {LOCAL_MASTER}" if key == "spark.master" else line)
    target.write_text("\n".join(lines) + "\n")
    return target


_REFERENCE = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def _expand(text: str, environment: Mapping[str, str]) -> str:
    """``$(VAR)`` replaced by its value, ``$$`` by ``$``; unknown references kept, as in k8s."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return environment.get(match.group(1), match.group(0))

    return _REFERENCE.sub(replace, text)


def _local_path(argument: str, paths: Mapping[str, pathlib.Path]) -> str:
    """An argument naming a file of the image or of a mount, as the path here."""
    for container_path, local in sorted(paths.items(), key=lambda item: -len(item[0])):
        if argument == container_path:
            return str(local)
        if argument.startswith(container_path.rstrip("/") + "/"):
            return str(local) + argument[len(container_path.rstrip("/")):]
    return argument


def _program(name: str, path: str) -> str:
    """The program a container command names, found on the image's PATH here."""
    if "/" in name:
        return name
    for folder in path.split(":"):
        candidate = pathlib.Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise PodFailure(f'exec: "{name}": executable file not found in $PATH')


def _conditions(
    types: Sequence[str], reason: str, message: str, now: str
) -> list[dict[str, str]]:
    return [{"type": kind, "status": "True", "reason": reason, "message": message,
             "lastTransitionTime": now} for kind in types]


def _termination_message(container: Mapping[str, Any], log: pathlib.Path, exit_code: int) -> str:
    """What the kubelet keeps as the container's termination message: with the policy
    FallbackToLogsOnError, the end of a failed container's log; else nothing, as no
    container here writes /dev/termination-log."""
    policy = container.get("terminationMessagePolicy", "File")
    if exit_code == 0 or policy != "FallbackToLogsOnError" or not log.exists():
        return ""
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-TERMINATION_LINES:])
    return tail.encode()[-TERMINATION_BYTES:].decode(errors="replace")


def shown_command(argv: Sequence[str]) -> str:
    """The command line for a log line, with database passwords hidden."""
    return " ".join(re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", part) for part in argv)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
