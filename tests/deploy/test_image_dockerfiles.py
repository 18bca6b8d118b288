"""The Dockerfiles, checked without a Docker engine: what they copy, pin, run and become."""

from __future__ import annotations

import fnmatch
import importlib.metadata
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tomllib
import zipfile

import deploy_helpers
import dockerfile
import pytest

IMAGES = deploy_helpers.REPOSITORY / "images"
IMAGE_NAMES = ("operator", "analyzer", "scraper")
BIN = pathlib.Path(sys.executable).parent


def _instructions(image: str) -> list[dockerfile.Command]:
    return list(dockerfile.parse_file(str(IMAGES / image / "Dockerfile")))


def _final_stage(image: str) -> list[dockerfile.Command]:
    commands = _instructions(image)
    last_from = max(index for index, command in enumerate(commands) if command.cmd == "FROM")
    return commands[last_from:]


def _arguments(image: str) -> dict[str, str]:
    """ARG defaults, for the FROM lines and RUN lines that use them."""
    return dict(
        command.value[0].split("=", 1)
        for command in _instructions(image)
        if command.cmd == "ARG" and "=" in command.value[0]
    )


def _environment(image: str) -> dict[str, str]:
    """The ENV settings of the final stage (the parser gives them as key, value pairs)."""
    pairs: dict[str, str] = {}
    for command in _final_stage(image):
        if command.cmd == "ENV":
            pairs.update(zip(command.value[::2], command.value[1::2], strict=True))
    return pairs


def _locked_versions() -> dict[str, str]:
    lock = (deploy_helpers.REPOSITORY / "requirements.lock").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", lock, flags=re.MULTILINE))
    return {_normal(name): version for name, version in pins.items()}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _dockerignore_patterns() -> list[str]:
    text = (deploy_helpers.REPOSITORY / ".dockerignore").read_text()
    return [
        line.strip().rstrip("/")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _ignored(path: str) -> bool:
    for pattern in _dockerignore_patterns():
        pattern = pattern.removeprefix("**/")
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path.split("/")[0], pattern):
            return True
    return False


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_hadolint_finds_nothing_to_fix_in_the_dockerfile(image: str) -> None:
    completed = subprocess.run(
        [str(BIN / "hadolint"), "--no-color", str(IMAGES / image / "Dockerfile")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_every_copied_file_exists_in_the_build_context(image: str) -> None:
    copies = [
        command
        for command in _instructions(image)
        if command.cmd in ("COPY", "ADD")
        and not any(f.startswith("--from") for f in command.flags)
    ]
    assert copies

    for command in copies:
        for source in command.value[:-1]:
            path = deploy_helpers.REPOSITORY / source
            assert path.exists(), f"{image}: COPY {source}: no such file in the repository"
            assert not _ignored(source.rstrip("/")), f"{image}: .dockerignore drops {source}"


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_base_images_are_pinned_to_a_version_tag(image: str) -> None:
    arguments = _arguments(image)
    for command in _instructions(image):
        if command.cmd != "FROM":
            continue
        reference = re.sub(
            r"\$\{(\w+)\}", lambda match: arguments[match.group(1)], command.value[0]
        )
        repository, _, tag = reference.rpartition(":")
        assert repository and re.search(r"\d+\.\d+\.\d+", tag), f"{image}: {reference} is unpinned"


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_the_project_is_installed_constrained_by_the_lock_file(image: str) -> None:
    runs = " ".join(
        " ".join(command.value) for command in _instructions(image) if command.cmd == "RUN"
    )

    installs = re.findall(r"pip install ([^&]*)", runs)

    assert installs
    for install in installs:
        assert "-c requirements.lock" in install, (
            f"{image}: pip install {install} is unconstrained"
        )


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_every_pinned_python_package_is_the_locked_version(image: str) -> None:
    locked = _locked_versions()
    text = (IMAGES / image / "Dockerfile").read_text()

    for name, version in re.findall(r"\b([A-Za-z][A-Za-z0-9_.-]*)==([0-9][^\s\"']*)", text):
        # The GPU build of onnxruntime stands in for the locked CPU build, at its version.
        locked_name = "onnxruntime" if _normal(name) == "onnxruntime-gpu" else _normal(name)
        assert locked.get(locked_name) == version, f"{image}: {name}=={version} is not locked"


def test_the_operator_image_installs_the_operator_extra() -> None:
    runs = " ".join(" ".join(c.value) for c in _instructions("operator") if c.cmd == "RUN")
    pyproject = tomllib.loads((deploy_helpers.REPOSITORY / "pyproject.toml").read_text())

    assert '".[operator]"' in runs
    assert "operator" in pyproject["project"]["optional-dependencies"]


def test_the_analyzer_replaces_onnxruntime_with_its_gpu_build_in_one_layer() -> None:
    arguments = _arguments("analyzer")
    (install,) = [
        " ".join(c.value)
        for c in _instructions("analyzer")
        if c.cmd == "RUN" and "pip" in " ".join(c.value)
    ]

    uninstall = install.index("pip uninstall -y onnxruntime")
    gpu_install = install.index('pip install -c requirements.lock "${ONNXRUNTIME_GPU}"')
    assert install.index("pip install -c requirements.lock .") < uninstall < gpu_install
    assert arguments["ONNXRUNTIME_GPU"] == f"onnxruntime-gpu=={_locked_versions()['onnxruntime']}"


@pytest.mark.parametrize("image", ("analyzer", "scraper"))
def test_images_that_find_faces_fetch_and_check_the_models_into_their_model_dir(
    image: str,
) -> None:
    runs = " ".join(" ".join(c.value) for c in _instructions(image) if c.cmd == "RUN")
    fetcher = (deploy_helpers.REPOSITORY / "scripts" / "fetch_models.py").read_text()

    assert _environment(image)["WOS_MODEL_DIR"] == "/opt/wos/models"
    assert 'python scripts/fetch_models.py --model-dir "${WOS_MODEL_DIR}"' in runs
    assert "--model-dir" in fetcher and "sha256" in fetcher


def test_the_analyzer_puts_the_application_where_the_operator_submits_it() -> None:
    from wos_operator import spark

    copies = {c.value[-1]: c.value[0] for c in _instructions("analyzer") if c.cmd == "COPY"}

    assert copies[spark.APPLICATION] == "jobs/analyze_film.py"
    assert copies["/opt/wos/bin/gpu-discovery.sh"] == "images/analyzer/gpu-discovery.sh"


def test_the_analyzer_has_java_python_and_ffmpeg_for_spark_and_decoding() -> None:
    runs = " ".join(" ".join(c.value) for c in _instructions("analyzer") if c.cmd == "RUN")
    environment = _environment("analyzer")

    for package in ("openjdk-17-jre-headless", "python3-venv", "ffmpeg", "tini"):
        assert re.search(rf"\s{re.escape(package)}(\s|=)", runs), package
    assert "APT::Snapshot" in runs
    assert environment["SPARK_HOME"] == "/opt/venv/lib/python3.12/site-packages/pyspark"
    assert environment["PYSPARK_PYTHON"] == "/opt/venv/bin/python"
    assert environment["PATH"].startswith("/opt/venv/bin:")


def test_the_scrapers_chromium_and_driver_are_the_same_pinned_version() -> None:
    runs = " ".join(" ".join(c.value) for c in _instructions("scraper") if c.cmd == "RUN")

    browser = re.search(r"\bchromium=(\S+)", runs)
    driver = re.search(r"\bchromium-driver=(\S+)", runs)

    assert browser and driver and browser.group(1) == driver.group(1)


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_every_image_runs_as_a_fixed_non_root_user(image: str) -> None:
    users = [c.value[0] for c in _final_stage(image) if c.cmd == "USER"]

    assert users, f"{image} runs as root"
    uid, _, gid = users[-1].partition(":")
    assert uid == "10001" and gid == "10001"
    runs = " ".join(" ".join(c.value) for c in _final_stage(image) if c.cmd == "RUN")
    assert "useradd --system --uid 10001" in runs


def _console_scripts() -> set[str]:
    pyproject = tomllib.loads((deploy_helpers.REPOSITORY / "pyproject.toml").read_text())
    return set(pyproject["project"]["scripts"])


@pytest.mark.parametrize(
    ("image", "entrypoint"),
    [
        ("operator", ["wos-operator"]),
        ("scraper", ["wos"]),
        ("analyzer", ["/usr/bin/tini", "--", "/opt/wos/bin/entrypoint.sh"]),
    ],
)
def test_every_entrypoint_names_a_console_script_or_a_file_the_image_has(
    image: str, entrypoint: list[str]
) -> None:
    commands = _final_stage(image)
    (declared,) = [c for c in commands if c.cmd == "ENTRYPOINT"]
    assert declared.json and list(declared.value) == entrypoint

    program = entrypoint[0]
    if program.startswith("/"):
        copied = {c.value[-1] for c in commands if c.cmd == "COPY"}
        runs = " ".join(" ".join(c.value) for c in commands if c.cmd == "RUN")
        # tini comes from the distribution's package of that name.
        assert program in copied or (program == "/usr/bin/tini" and " tini " in runs)
        assert entrypoint[-1] in copied
    else:
        assert program in _console_scripts()


def test_the_scrapers_default_command_is_the_gallery_build_the_operator_runs() -> None:
    (cmd,) = [c for c in _final_stage("scraper") if c.cmd == "CMD"]

    completed = subprocess.run(
        [str(BIN / "wos"), *cmd.value], capture_output=True, text=True, check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip

    assert list(cmd.value) == ["gallery", "build", "--help"]
    assert completed.returncode == 0, completed.stderr
    for option in ("--cast-spec", "--gallery-dir", "--db"):
        assert option in completed.stdout


def test_the_analyzers_default_command_is_a_script_pyspark_installs() -> None:
    (cmd,) = [c for c in _final_stage("analyzer") if c.cmd == "CMD"]

    scripts = {pathlib.PurePath(str(f)).name for f in importlib.metadata.files("pyspark") or []}

    assert cmd.value[0] == "spark-submit"
    assert "spark-submit" in scripts


@pytest.mark.parametrize("script", ("gpu-discovery.sh", "entrypoint.sh"))
def test_shellcheck_finds_nothing_to_fix_in_the_analyzer_scripts(script: str) -> None:
    completed = subprocess.run(
        [str(BIN / "shellcheck"), str(IMAGES / "analyzer" / script)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert completed.returncode == 0, completed.stdout


def test_gpu_discovery_reports_no_gpu_where_nvidia_smi_is_missing(tmp_path: pathlib.Path) -> None:
    # A PATH with bash and nothing else: no nvidia-smi, as on a CPU node.
    (tmp_path / "bash").symlink_to(shutil.which("bash"))

    completed = subprocess.run(
        [str(IMAGES / "analyzer" / "gpu-discovery.sh")], capture_output=True, text=True,
        check=False, env={"PATH": str(tmp_path)},
    )  # fmt: skip

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {"name": "gpu", "addresses": []}


def test_the_analyzer_entrypoint_runs_any_other_command_as_given() -> None:
    completed = subprocess.run(
        [str(IMAGES / "analyzer" / "entrypoint.sh"), "printf", "%s|", "spark", "submit"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert completed.returncode == 0
    assert completed.stdout == "spark|submit|"


def _spark_kubernetes_classes() -> bytes:
    """The class files of the Kubernetes scheduler that pyspark ships."""
    import pyspark

    (jar,) = (pathlib.Path(pyspark.__file__).parent / "jars").glob("spark-kubernetes_*.jar")
    with zipfile.ZipFile(jar) as archive:
        return b"".join(
            archive.read(name) for name in archive.namelist() if name.endswith(".class")
        )


def test_the_executor_entrypoint_speaks_the_spark_kubernetes_backends_language() -> None:
    entrypoint = (IMAGES / "analyzer" / "entrypoint.sh").read_text()
    script = entrypoint[entrypoint.index("run_executor() {") : entrypoint.index("\n}\n")]
    classes = _spark_kubernetes_classes()

    backend = re.search(r"org\.apache\.spark\.scheduler\.cluster\.k8s\.(\w+)", script)
    options = re.findall(r"^\s+(--[A-Za-z-]+) ", script, flags=re.MULTILINE)
    variables = set(re.findall(r"\$\{?(SPARK_[A-Z_]+)", script)) - {"SPARK_HOME"}

    assert backend and f"k8s/{backend.group(1)}".encode() in classes
    assert len(options) == 7
    for option in options:
        assert option.encode() in classes, f"the executor backend takes no {option}"
    # Spark sets these on executor pods; SPARK_JAVA_OPT_ is the prefix of numbered ones.
    for variable in variables:
        assert variable.rstrip("_").encode() in classes, f"Spark never sets {variable}"


def test_an_executor_started_by_the_entrypoint_calls_the_driver_spark_names(
    tmp_path: pathlib.Path,
) -> None:
    import pyspark

    # A port nobody listens on: the executor must get as far as calling the driver there.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    executor = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SPARK_HOME": str(pathlib.Path(pyspark.__file__).parent),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_DRIVER_URL": f"spark://CoarseGrainedScheduler@127.0.0.1:{port}",
        "SPARK_EXECUTOR_ID": "7",
        "SPARK_EXECUTOR_CORES": "1",
        "SPARK_EXECUTOR_MEMORY": "256m",
        "SPARK_APPLICATION_ID": "spark-test-app",
        "SPARK_EXECUTOR_POD_IP": "127.0.0.1",
        "SPARK_EXECUTOR_POD_NAME": "hamilton-exec-7",
        "SPARK_RESOURCE_PROFILE_ID": "0",
        "SPARK_JAVA_OPT_0": "-Dspark.rpc.io.connectionTimeout=2s",
    }

    completed = subprocess.run(
        [str(IMAGES / "analyzer" / "entrypoint.sh"), "executor"],
        capture_output=True, text=True, check=False, env=executor, timeout=120,
    )  # fmt: skip

    log = completed.stdout + completed.stderr
    assert "KubernetesExecutorBackend: Started daemon" in log
    assert f"Failed to connect to /127.0.0.1:{port}" in log
    assert completed.returncode != 0


@pytest.mark.parametrize("image", IMAGE_NAMES)
def test_each_image_runs_as_the_user_the_operator_gives_its_job_pods(image: str) -> None:
    from wos_operator import manifests

    [user] = [command.value[0] for command in _final_stage(image) if command.cmd == "USER"]
    assert user == f"{manifests.IMAGE_USER}:{manifests.IMAGE_USER}"
