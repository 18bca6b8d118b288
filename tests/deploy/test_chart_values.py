"""Bad values are refused with a message naming the value; every value is documented."""

from __future__ import annotations

import json
import re
from typing import Any

import deploy_helpers
import helm_python
import jsonschema
import pytest
import yaml

VALUES_FILE = deploy_helpers.CHART_DIR / "values.yaml"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"gpu": {"enabled": "yes"}}, "at '/gpu/enabled': got string, want boolean"),
        ({"watch": {"scope": "everywhere"}}, "at '/watch/scope': value must be one of"),
        ({"watch": {"namespaces": ["Films_2"]}}, "at '/watch/namespaces/0'"),
        ({"operatr": {}}, "additional properties 'operatr' not allowed"),
        ({"mysql": {"persistence": {"size": "lots"}}}, "at '/mysql/persistence/size'"),
        ({"jobs": {"imagePullPolicy": "Sometimes"}}, "at '/jobs/imagePullPolicy'"),
        ({"operator": {"pollSeconds": 0}}, "at '/operator/pollSeconds'"),
        (
            {"gpu": {"tolerations": [{"key": "x", "operator": "Maybe"}]}},
            "at '/gpu/tolerations/0/operator'",
        ),
        ({"spark": {"master": "yarn"}}, "at '/spark/master'"),
        ({"analyzer": {"image": {"repository": ""}}}, "at '/analyzer/image/repository'"),
        ({"scraper": {"baseUrl": "imdb-mirror.example.org"}}, "at '/scraper/baseUrl'"),
        ({"scraper": {"baseUrl": "ftp://imdb-mirror.example.org"}}, "at '/scraper/baseUrl'"),
    ],
)
def test_the_schema_refuses_bad_values_and_names_the_offending_key(
    chart: helm_python.Chart, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(helm_python.HelmValuesError) as refused:
        chart.validate_schema(values)

    assert message in str(refused.value)


def test_an_install_with_bad_values_renders_nothing(render_files: Any) -> None:
    with pytest.raises(helm_python.HelmValuesError) as refused:
        render_files({"gpu": {"tolerations": "all"}})

    assert "at '/gpu/tolerations': got string, want array" in str(refused.value)


@pytest.mark.parametrize("scenario_name", sorted(deploy_helpers.SCENARIOS))
def test_the_shipped_value_sets_pass_the_schema(
    chart: helm_python.Chart, scenario_name: str
) -> None:
    chart.validate_schema(deploy_helpers.SCENARIOS[scenario_name])


def test_an_operator_without_a_service_account_is_refused_with_the_fix(render_files: Any) -> None:
    with pytest.raises(helm_python.HelmRenderError) as refused:
        render_files({"operator": {"serviceAccount": {"create": False}}})

    assert (
        "operator.serviceAccount.create is false, so set operator.serviceAccount.name to the "
        "ServiceAccount the operator runs as." in str(refused.value)
    )


def _documented_keys() -> dict[str, tuple[str | None, Any]]:
    """Every key path of values.yaml -> (its `# --` comment as one line, its default)."""
    text = VALUES_FILE.read_text()
    defaults = yaml.safe_load(text)
    keys: dict[str, tuple[str | None, Any]] = {}
    stack: list[tuple[int, str]] = []
    comment: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment.append(stripped.lstrip("#").strip())
            continue
        match = re.match(r"^( *)([A-Za-z][\w.-]*):", line)
        if match is None:
            comment = comment if stripped else []
            continue
        # The key's path from the indentation of the keys above it.
        indent = len(match.group(1))
        stack = [(level, name) for level, name in stack if level < indent]
        stack.append((indent, match.group(2)))
        value: Any = defaults
        for _, name in stack:
            value = value[name]
        # Its documentation: the comment block from its `# --` line on.
        starts = [index for index, part in enumerate(comment) if part.startswith("-- ")]
        documentation = None
        if starts:
            documentation = " ".join([comment[starts[-1]][3:], *comment[starts[-1] + 1 :]])
        keys[".".join(name for _, name in stack)] = (documentation, value)
        comment = []
    return keys


def test_every_value_is_documented_where_it_is_defined() -> None:
    keys = _documented_keys()
    assert "mysql.auth.existingSecret" in keys

    undocumented = []
    for path, (documentation, value) in keys.items():
        ancestors = [".".join(path.split(".")[:depth]) for depth in range(1, path.count(".") + 1)]
        if documentation or any(keys[ancestor][0] for ancestor in ancestors):
            continue
        if isinstance(value, dict) and value:
            continue  # A group: its keys carry the documentation.
        undocumented.append(path)

    assert undocumented == []


def test_the_readme_table_repeats_every_values_comment_and_default() -> None:
    readme = (deploy_helpers.CHART_DIR / "README.md").read_text()
    rows = {
        key: (default, description)
        for key, default, description in re.findall(
            r"^\| `([^`]+)` \| `([^`]*)` \| (.*) \|$", readme, flags=re.MULTILINE
        )
    }

    documented = {
        path: (documentation, value)
        for path, (documentation, value) in _documented_keys().items()
        if documentation
    }

    assert set(rows) == set(documented)
    for path, (documentation, value) in documented.items():
        default, description = rows[path]
        assert yaml.safe_load(default) == value, path
        assert description.replace("\\|", "|") == documentation, path


def test_the_values_schema_is_itself_a_valid_json_schema(chart: helm_python.Chart) -> None:
    schema = chart.schema if isinstance(chart.schema, dict) else json.loads(chart.schema)

    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(yaml.safe_load(VALUES_FILE.read_text()))
