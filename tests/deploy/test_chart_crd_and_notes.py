"""The chart's CRD is the repository's, and its notes give commands that work."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import deploy_helpers
import helm_python
import jsonschema
import pytest
import yaml

SOURCE_CRD = deploy_helpers.REPOSITORY / "crds" / "filmanalysis.yaml"
CHART_CRD = deploy_helpers.CHART_DIR / "crds" / "filmanalysis.yaml"


def test_the_charts_crd_has_not_drifted_from_the_repositorys() -> None:
    assert SOURCE_CRD.is_file(), "crds/filmanalysis.yaml, the source of truth, is missing"

    assert CHART_CRD.read_text() == SOURCE_CRD.read_text(), (
        "the chart's CRD differs from crds/filmanalysis.yaml: "
        "cp crds/filmanalysis.yaml charts/who-is-on-screen/crds/"
    )


def test_helm_installs_the_crd_from_the_charts_crds_folder(chart: helm_python.Chart) -> None:
    (crd,) = chart.crds

    assert crd["name"] == "crds/filmanalysis.yaml"
    assert yaml.safe_load(crd["data"]) == yaml.safe_load(SOURCE_CRD.read_text())


def _notes(render_files: Any, values: dict[str, Any]) -> str:
    return render_files(values)["who-is-on-screen/templates/NOTES.txt"]


def _example_film(notes: str) -> dict[str, Any]:
    match = re.search(r"<<'YAML'\n(.*?)\nYAML\n", notes, flags=re.DOTALL)
    assert match, "NOTES.txt holds no example FilmAnalysis"
    return yaml.safe_load(match.group(1))


@pytest.mark.parametrize(
    ("scenario_name", "engine", "gpu"),
    [("gpu", "insightface", {"enabled": True}), ("cpu", "sface", None)],
)
def test_the_example_film_in_the_notes_is_a_valid_filmanalysis(
    render_files: Any, scenario_name: str, engine: str, gpu: dict[str, Any] | None
) -> None:
    crd = yaml.safe_load(SOURCE_CRD.read_text())
    (version,) = crd["spec"]["versions"]

    film = _example_film(_notes(render_files, deploy_helpers.SCENARIOS[scenario_name]))

    jsonschema.validate(film, version["schema"]["openAPIV3Schema"])
    assert film["apiVersion"] == f"{crd['spec']['group']}/{version['name']}"
    assert film["kind"] == crd["spec"]["names"]["kind"]
    assert film["spec"]["engine"]["name"] == engine
    assert film["spec"].get("gpu") == gpu


def _commands(notes: str) -> str:
    """The notes' shell commands (indented lines and the here-document) as one script."""
    lines, in_document = [], False
    for line in notes.splitlines():
        if in_document or line.startswith("  "):
            lines.append(line)
        if line.endswith("<<'YAML'") or line == "YAML":
            in_document = not in_document
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("scenario_name", sorted(deploy_helpers.SCENARIOS))
def test_the_notes_commands_are_valid_shell(render_files: Any, scenario_name: str) -> None:
    script = _commands(_notes(render_files, deploy_helpers.SCENARIOS[scenario_name]))

    completed = subprocess.run(
        ["bash", "-n"], input=script, capture_output=True, text=True, check=False
    )

    assert "kubectl" in script
    assert completed.returncode == 0, completed.stderr


def test_the_notes_give_the_commands_to_submit_watch_and_read_results(render_files: Any) -> None:
    script = _commands(_notes(render_files, {}))

    assert "kubectl -n films apply -f - <<'YAML'" in script
    assert "kubectl -n films get fa --watch" in script
    assert "get fa hamilton -o jsonpath='{.status.analysisId}'" in script
    assert "kubectl -n films port-forward svc/wos-mysql 3306:3306 &" in script
    assert (
        "get secret wos-mysql \\\n    -o jsonpath='{.data.mysql-password}' | base64 -d" in script
    )
    assert 'wos results "$ANALYSIS"' in script
    assert "mysql+pymysql://wos:${PASSWORD}@127.0.0.1:3306/wos" in script


def test_with_an_external_mysql_the_notes_read_the_url_from_its_secret(render_files: Any) -> None:
    script = _commands(_notes(render_files, deploy_helpers.SCENARIOS["external-mysql"]))

    assert "port-forward" not in script
    assert "get secret films-db -o jsonpath='{.data.url}' | base64 -d" in script
    assert 'wos results "$ANALYSIS" --db "$DATABASE_URL"' in script


def test_the_status_field_the_notes_read_exists_in_the_crd() -> None:
    crd = yaml.safe_load(SOURCE_CRD.read_text())
    (version,) = crd["spec"]["versions"]

    status = version["schema"]["openAPIV3Schema"]["properties"]["status"]["properties"]

    assert "analysisId" in status
