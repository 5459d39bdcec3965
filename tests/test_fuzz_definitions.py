"""Random and hostile text into the definition parser, `segment define`, the toolkit and the
built-in interpreter over a real schema: an answer or a one-line error, never a crash or hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from assistant.cli_common import read_definition
from tools.engine.dataset import CustomerData
from tools.engine.definitions import SegmentDefinition
from tools.engine.errors import EngineError
from tools.toolkit import Toolkit

REPO = Path(__file__).resolve().parent.parent
FAST = settings(deadline=2000, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])

TYPES = ["compare", "sum", "compare_columns", "between", "in", "not_in", "missing", "present",
         "rank", "rfm_segment", "rfm_score", "lifecycle", "cluster", "segment", "and", "or",
         "not", "bogus"]
KEYS = ["type", "column", "columns", "left", "right", "op", "value", "low", "high", "values",
        "all", "any", "condition", "direction", "n", "percent", "segments", "score", "stages",
        "features", "k", "clusters", "name", "notes"]
COLUMNS = ["Age", "Gender", "Annual Income (k$)", "Spending Score (1-100)", "age", "", "nope",
           "Recency", "email"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                    st.sampled_from(COLUMNS + TYPES + [">", "<=", "==", "top", "r", "Male"]))
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=25)
COLUMN = st.sampled_from(COLUMNS)
WELL_FORMED = st.one_of(
    st.fixed_dictionaries({"type": st.just("compare"), "column": COLUMN,
                           "op": st.sampled_from([">", ">=", "<", "<=", "==", "!="]),
                           "value": SCALARS}),
    st.fixed_dictionaries({"type": st.just("between"), "column": COLUMN, "low": SCALARS,
                           "high": SCALARS}),
    st.fixed_dictionaries({"type": st.just("sum"), "columns": st.lists(COLUMN, max_size=4),
                           "op": st.sampled_from([">", ">=", "<", "<=", "==", "!="]),
                           "value": SCALARS}),
    st.fixed_dictionaries({"type": st.just("compare_columns"), "left": COLUMN,
                           "op": st.sampled_from([">", ">=", "<", "<=", "==", "!="]),
                           "right": COLUMN}),
    st.fixed_dictionaries({"type": st.sampled_from(["in", "not_in"]), "column": COLUMN,
                           "values": st.lists(SCALARS, max_size=3)}),
    st.fixed_dictionaries({"type": st.sampled_from(["missing", "present"]), "column": COLUMN}),
    st.fixed_dictionaries({"type": st.just("rank"), "column": COLUMN,
                           "direction": st.sampled_from(["top", "bottom"]),
                           "percent": st.floats(-5, 150)}),
    st.fixed_dictionaries({"type": st.just("rank"), "column": COLUMN,
                           "direction": st.sampled_from(["top", "bottom"]),
                           "n": st.integers(-5, 10**6)}))
CONDITIONS = st.recursive(
    WELL_FORMED,
    lambda inner: st.one_of(
        st.fixed_dictionaries({"type": st.just("and"), "all": st.lists(inner, max_size=3)}),
        st.fixed_dictionaries({"type": st.just("or"), "any": st.lists(inner, max_size=3)}),
        st.fixed_dictionaries({"type": st.just("not"), "condition": inner})),
    max_leaves=6)
MESSY_CONDITIONS = st.recursive(
    st.fixed_dictionaries({"type": st.sampled_from(TYPES), "column": st.sampled_from(COLUMNS)},
                          optional={"op": st.sampled_from([">", ">=", "<", "==", "!=", "~"]),
                                    "value": SCALARS, "low": SCALARS, "high": SCALARS,
                                    "values": st.lists(SCALARS, max_size=3),
                                    "direction": st.sampled_from(["top", "bottom", "middle"]),
                                    "n": SCALARS, "percent": SCALARS}),
    lambda inner: st.one_of(
        st.fixed_dictionaries({"type": st.sampled_from(["and", "or"]),
                               "all": st.lists(inner, max_size=3),
                               "any": st.lists(inner, max_size=3)}),
        st.fixed_dictionaries({"type": st.just("not"), "condition": inner})),
    max_leaves=8)
YAML_LINES = st.lists(st.one_of(
    st.sampled_from(["name: x", "condition:", "  type: compare", "  column: Age", "  op: '>'",
                     "  value: 30", "  all:", "    - type: in", "      values: [Male]", "- a",
                     "&a [1, 2]", "*a", "!!python/object/apply:os.system ['true']",
                     "notes: |", "  {", "}", "---", "...", "? key", ": value", "\t", "%YAML 1.1",
                     "type: not", "condition: {type: missing, column: Age}"]),
    st.text(max_size=30)), max_size=12)


@pytest.fixture(scope="module")
def toolkit(mall: CustomerData) -> Toolkit:
    return Toolkit(mall)


# The parser ------------------------------------------------------------------------------


@FAST
@given(st.text(max_size=400))
def test_random_text_is_a_definition_or_a_clear_error(text: str) -> None:
    try:
        definition = SegmentDefinition.from_yaml(text)
    except (yaml.YAMLError, ValidationError):
        return
    assert SegmentDefinition.from_yaml(definition.to_yaml()) == definition


@FAST
@given(YAML_LINES)
def test_yaml_shaped_text_is_a_definition_or_a_clear_error(lines: list[str]) -> None:
    try:
        definition = SegmentDefinition.from_yaml("\n".join(lines))
    except (yaml.YAMLError, ValidationError):
        return
    assert definition.condition is not None
    assert SegmentDefinition.from_yaml(definition.to_yaml()) == definition


@FAST
@given(TREES)
def test_random_structures_validate_or_are_refused(tree: Any) -> None:
    for candidate in (tree, {"condition": tree}, {"name": "x", "condition": tree}):
        try:
            definition = SegmentDefinition.from_data(candidate)
        except ValidationError:
            continue
        assert SegmentDefinition.from_yaml(definition.to_yaml()) == definition


def test_an_alias_bomb_is_refused_at_once() -> None:
    lines = ["condition:", "  type: and", "  all:",
             '    - &c0 {type: compare, column: Age, op: ">", value: 1}']
    lines += [f"    - &c{i} {{type: and, all: [{', '.join([f'*c{i - 1}'] * 9)}]}}"
              for i in range(1, 8)]
    start = time.monotonic()
    with pytest.raises(yaml.YAMLError, match="aliases"):
        SegmentDefinition.from_yaml("\n".join(lines))
    assert time.monotonic() - start < 1


def test_deep_nesting_is_a_yaml_error_not_a_crash() -> None:
    text = "condition: " + "{type: not, condition: " * 3000 + "{type: missing, column: Age}" \
        + "}" * 3000
    with pytest.raises(yaml.YAMLError):
        SegmentDefinition.from_yaml(text)


@FAST
@given(YAML_LINES)
def test_read_definition_gives_one_line_errors(tmp_path_factory: pytest.TempPathFactory,
                                                lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("yaml") / "segment.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        read_definition(path)
    except EngineError as exc:
        assert "\n" not in exc.message.strip() and exc.message.strip()


# The toolkit with model-shaped conditions ----------------------------------------------------


@settings(FAST, max_examples=150)
@given(st.one_of(CONDITIONS, MESSY_CONDITIONS), st.sampled_from(["new", "refine", "exclude"]))
def test_any_condition_from_a_model_gives_a_result(toolkit: Toolkit, condition: dict[str, Any],
                                                   mode: str) -> None:
    result = toolkit.call("define_segment", {"condition": condition, "mode": mode})
    assert result.message.strip() and "\n" not in result.message.strip()
    if result.ok:
        assert 0 < result.summary["size"] <= toolkit.data.n_customers


def test_a_condition_nested_thousands_deep_is_refused(toolkit: Toolkit) -> None:
    condition: dict[str, Any] = {"type": "missing", "column": "Age"}
    for _ in range(3000):
        condition = {"type": "not", "condition": condition}
    result = toolkit.call("define_segment", {"condition": condition})
    assert not result.ok and "nested too deeply" in result.message
    assert toolkit.call("define_segment", {"condition": {
        "type": "compare", "column": "Age", "op": ">", "value": 30}}).ok


# `segment define` as a process ---------------------------------------------------------------


HOSTILE_YAML = {
    "alias_bomb.yaml": "\n".join(
        ["condition:", "  type: and", "  all:",
         '    - &c0 {type: compare, column: Age, op: ">", value: 1}']
        + [f"    - &c{i} {{type: and, all: [{', '.join([f'*c{i - 1}'] * 9)}]}}"
           for i in range(1, 8)]),
    "python_tag.yaml": "condition: !!python/object/apply:os.system ['touch {pwned}']\n",
    "deep.yaml": "condition: " + "{type: not, condition: " * 2000 + "{type: missing, column: Age}"
                 + "}" * 2000 + "\n",
    "list.yaml": "- type: compare\n- column: Age\n",
    "wrong_types.yaml": "condition: {type: between, column: Age, low: [1], high: {a: 2}}\n",
    "huge_number.yaml": "condition: {type: compare, column: Age, op: '>', value: 1e400}\n",
    "binary.yaml": "\x00\x01\x02 condition",
    "tabs.yaml": "condition:\n\ttype: compare\n",
}


def test_segment_define_refuses_hostile_files_in_one_line(tmp_path: Path,
                                                          datasets_dir: Path) -> None:
    entry = Path(sys.executable).parent / "segment"
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "assistant.cli"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "SEGMENT_WORKSPACE": str(tmp_path / "ws")}
    env.pop("SEGMENT_DEBUG", None)
    pwned = tmp_path / "pwned"
    for name, text in HOSTILE_YAML.items():
        path = tmp_path / name
        path.write_text(text.replace("{pwned}", str(pwned)), encoding="utf-8")
        start = time.monotonic()
        result = subprocess.run([*command, "define", str(path), "--data",
                                 str(datasets_dir / "mall_customers.csv")],
                                capture_output=True, text=True, env=env, timeout=60)
        assert time.monotonic() - start < 20, name
        assert "Traceback" not in result.stderr, (name, result.stderr)
        if name == "huge_number.yaml" and result.returncode == 0:
            continue  # infinity is a valid (empty) comparison
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, result.stderr)
    assert not pwned.exists()


def test_an_error_quoting_a_value_with_line_breaks_stays_one_line(toolkit: Toolkit) -> None:
    result = toolkit.call("define_segment", {"condition": {
        "type": "between", "column": "Age", "low": "thirty\nforty", "high": "x\r\ny"}})
    assert not result.ok and "\n" not in result.message and "\r" not in result.message
    assert "thirty forty" in result.message
