"""No path from model output (or any text) to code execution: a guard over the source tree.

The product never evaluates text as code: no eval/exec/compile, no pandas query or eval
strings, no shell commands built from text, and SQL runs only in the modules listed here,
none of which a tool argument reaches as SQL. A new place that runs SQL or a query string
must be reviewed and added below on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tools.tool_registry import TOOL_ARGS

REPO = Path(__file__).resolve().parent.parent
PRODUCT = [REPO / "assistant", REPO / "tools"]
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__", "execfile"}
FORBIDDEN_METHODS = {"query", "eval", "system", "popen", "read_sql", "read_sql_query"}
SQL_METHODS = {"execute", "executescript", "executemany", "sql"}
# Reviewed: each runs SQL written by our code over identifiers from the file's own catalogue
# or schema, with values as parameters; none takes SQL from a model or a user.
# tools/engine/sql.py compiles a validated SegmentDefinition (pydantic data, never text) with
# quoted names and literals; the tools a model calls cannot reach it (checked below).
# tools/engine/feature_sql.py and scan_csv.py build the same feature statements as features.py
# over a file path bound as a quoted literal and column names quoted from the file's schema.
# tools/engine/cluster_sql.py reads a base's quantiles from a file (`quantiles_from_file`):
# its `quantiles_sql` over quoted feature names of a fitted model, and `sql.where_sql`.
# tools/knowledge/chroma_index.py reads the segment ids from ChromaDB's own catalogue, read-only,
# with one fixed statement (to find the folders of dropped collections).
SQL_MODULES = {"assistant/sessions.py", "tools/engine/features.py", "tools/engine/scan.py",
               "tools/engine/stores.py", "tools/engine/sql.py", "tools/engine/feature_sql.py",
               "tools/engine/scan_csv.py", "tools/engine/cluster_sql.py",
               "tools/engine/figures_sql.py", "tools/knowledge/chroma_index.py"}
# Reviewed: ChromaDB's vector search method, not a query language.
ALLOWED_QUERY_CALLS = {("tools/knowledge/chroma_index.py", "collection")}
# Reviewed: opens a URL in a browser with a fixed command list, never a shell string.
SUBPROCESS_MODULES = {"assistant/browser.py"}


def product_files() -> list[Path]:
    return sorted(p for folder in PRODUCT for p in folder.rglob("*.py")
                  if "__pycache__" not in p.parts)


def calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_the_source_tree_is_scanned() -> None:
    names = {relative(p) for p in product_files()}
    assert "assistant/agent.py" in names and "tools/toolkit.py" in names
    assert names >= SQL_MODULES


def test_no_text_is_ever_evaluated_as_code() -> None:
    found: list[str] = []
    for path in product_files():
        for call in calls(path):
            func = call.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_BUILTINS:
                found.append(f"{relative(path)}:{call.lineno} {func.id}(")
            if isinstance(func, ast.Attribute) and func.attr in FORBIDDEN_METHODS:
                owner = func.value.id if isinstance(func.value, ast.Name) else ""
                if (relative(path), owner) not in ALLOWED_QUERY_CALLS:
                    found.append(f"{relative(path)}:{call.lineno} .{func.attr}(")
    assert found == []


def test_sql_runs_only_in_reviewed_modules() -> None:
    running = {relative(path) for path in product_files() for call in calls(path)
               if isinstance(call.func, ast.Attribute) and call.func.attr in SQL_METHODS}
    assert running <= SQL_MODULES, running - SQL_MODULES


def test_the_tool_facing_code_runs_no_sql_and_no_processes() -> None:
    facing = [REPO / "assistant" / "agent.py", REPO / "assistant" / "core.py",
              REPO / "assistant" / "builtin.py", REPO / "tools" / "toolkit.py",
              REPO / "tools" / "tool_specs.py", *(REPO / "assistant" / "interpreter").glob("*.py")]
    for path in facing:
        text = path.read_text(encoding="utf-8")
        for module in ("sqlite3", "duckdb", "subprocess", "pickle", "os.system"):
            assert f"import {module}" not in text, (path, module)
        assert "tools.engine.sql " not in text and "engine.sql import" not in text, path


def test_processes_start_only_in_reviewed_modules() -> None:
    starting = {relative(p) for p in product_files()
                if "import subprocess" in p.read_text(encoding="utf-8")
                or "from subprocess" in p.read_text(encoding="utf-8")}
    assert starting <= SUBPROCESS_MODULES, starting - SUBPROCESS_MODULES
    for path in SUBPROCESS_MODULES:
        for call in calls(REPO / path):
            for keyword in call.keywords:
                assert not (keyword.arg == "shell" and getattr(keyword.value, "value", False))


def test_no_tool_takes_code_sql_or_a_query_string() -> None:
    code_words = {"sql", "query", "code", "expression", "script", "python", "eval", "command"}
    for name, spec in TOOL_ARGS.items():
        assert not set(spec.model_fields) & code_words, name
        assert name not in {"run_sql", "run_code", "query", "execute"}
