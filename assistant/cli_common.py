"""What every `segment` command shares: options, the error boundary, loading, lookups.

Only the standard library, typer and rich are imported at module level, so
`segment --help` starts in a tenth of a second; the engine (pandas) is imported
inside the functions that need it.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from typer.exceptions import TyperException

from assistant.sessions import TRANSCRIPT_START
from tools.engine.errors import (
    DataError,
    DefinitionError,
    EngineError,
    SegmentNotFound,
    first_problem,
)
from tools.engine.matching import nearest as engine_nearest
from tools.engine.matching import nearest as similar
from tools.engine.schema import Role
from tools.predicted import add_predicted_measures
from tools.workspace_files import private_folder

if TYPE_CHECKING:
    import pandas as pd

    from tools.engine.dataset import CustomerData
    from tools.engine.definitions import Condition, SegmentDefinition
    from tools.engine.progress import ProgressCallback
    from tools.library import SegmentLibrary

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_WORKSPACE = Path(".segment")
_MAX_OPTIONS = 8


def _parse_as_of(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: write it as YYYY-MM-DD") from None
    return value


def _parse_maps(values: list[str] | None) -> list[str] | None:
    for value in values or []:
        role, sep, column = value.partition("=")
        if not sep or not role.strip() or not column.strip():
            raise typer.BadParameter(f"{value!r}: write it as ROLE=COLUMN, e.g. amount=Revenue")
    return values


DataOpt = Annotated[Path, typer.Option(
    "--data", "-d", help="Customer data: a transaction log or a customer table "
    "(CSV/TSV, gzipped CSV, Excel, Parquet, JSON).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
MapOpt = Annotated[list[str] | None, typer.Option(
    "--map", metavar="ROLE=COLUMN", callback=_parse_maps,
    help="Use COLUMN for ROLE (repeatable), e.g. --map amount=Revenue --map customer_id=Client.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD", callback=_parse_as_of,
    help="Reference date for recency (default: the day after the last purchase).")]
TableOpt = Annotated[str | None, typer.Option(
    "--table", help="Sheet or table to read, for workbooks and databases.")]
WorkspaceOpt = Annotated[Path, typer.Option(
    "--workspace", envvar="SEGMENT_WORKSPACE",
    help="Folder for saved segments and the load cache.")]


@dataclass(frozen=True)
class DataArgs:
    """The options that say which data to load and how."""

    path: Path
    mapping: list[str] | None
    as_of: str | None
    table: str | None
    workspace: Path


# ----- the error boundary ------------------------------------------------------


def fail(message: str, options: list[str] | None = None, code: int = 1) -> NoReturn:
    """One line on stderr, then exit; `options` are appended unless the message names them."""
    line = " ".join(str(message).split())
    shown = [o for o in (options or []) if o][:_MAX_OPTIONS]
    if shown and not any(o in line for o in shown):
        line += f" (options: {', '.join(shown)})"
    sys.stderr.write(f"error: {line}\n")
    sys.stderr.flush()
    raise typer.Exit(code)


def _report(exc: BaseException) -> NoReturn:
    if isinstance(exc, EngineError):
        fail(exc.message, exc.options)
    if isinstance(exc, BrokenPipeError):
        # The reader (`| head`) has gone: stop quietly, and keep Python from
        # complaining while it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(1)
    if isinstance(exc, FileNotFoundError):
        fail(f"file not found: {exc.filename or exc}")
    if isinstance(exc, IsADirectoryError):
        fail(f"{exc.filename} is a folder: give a file")
    if isinstance(exc, PermissionError):
        fail(f"no permission to use {exc.filename}")
    if isinstance(exc, OSError):
        fail(f"cannot use {exc.filename or 'the file'}: {exc.strerror or exc}")
    if os.environ.get("SEGMENT_DEBUG") == "1":
        raise exc
    detail = str(exc).splitlines()[0] if str(exc) else ""
    fail(f"unexpected problem ({type(exc).__name__}{': ' + detail if detail else ''}); "
         "rerun with SEGMENT_DEBUG=1 for details")


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Turn user and data errors into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except KeyboardInterrupt:
            sys.stderr.write("error: interrupted\n")
            raise typer.Exit(130) from None
        except Exception as exc:
            _report(exc)

    return wrapper


# ----- output ------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Results as plain JSON data: dataclasses, pydantic models, numpy and dates included."""
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return jsonable(value.to_dict())
    if hasattr(value, "model_dump") and callable(value.model_dump):
        return jsonable(value.model_dump(mode="json"))
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):  # JSON has no NaN or infinity
        return None
    return value


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(value), indent=2, ensure_ascii=False) + "\n")


# ----- loading -----------------------------------------------------------------


def check_out_path(out: Path, data_file: Path) -> None:
    """An export target must be a new kind of file, never the data being read."""
    from tools.exporting import FORMATS

    if out.resolve() == data_file.resolve():
        fail(f"--out {out} is the data file itself: choose another file")
    if out.suffix.lower() not in FORMATS:
        fail(f"cannot export to {out.name}: use a .csv, .parquet or .xlsx file", list(FORMATS))


IDS_HEADER = "customer_id\n"
_IDS_SUFFIXES = (".csv", ".txt")


def check_ids_out(out: Path, data_file: Path | None, workspace: Path) -> None:
    """`--ids-out` writes a plain list of ids (nothing the user keeps is overwritten)."""
    if out.suffix.lower() not in _IDS_SUFFIXES:
        fail(f"--ids-out {out.name}: use a .csv or .txt file", list(_IDS_SUFFIXES))
    _check_own_file("--ids-out", out, data_file, workspace, IDS_HEADER,
                    "a list of customer ids")


def check_transcript_out(out: Path, data_path: str | None, workspace: Path) -> None:
    """`sessions export --out` writes Markdown over nothing but an earlier transcript."""
    _check_own_file("--out", out, Path(data_path) if data_path else None, workspace,
                    TRANSCRIPT_START, "a session transcript")


def _check_own_file(option: str, out: Path, data_file: Path | None, workspace: Path,
                    start: str, kind: str) -> None:
    """A file the product writes on request: never the data, never inside the workspace,
    and never over a file that is not one it wrote (which begins with `start`)."""
    target = out.resolve()
    if data_file is not None and target == data_file.resolve():
        fail(f"{option} {out} is the data file itself: choose another file")
    if workspace.resolve() in target.parents:
        fail(f"{option} {out} is inside the workspace {workspace}: choose a file elsewhere")
    if out.is_dir():
        fail(f"{option} {out} is a folder: give a file name")
    if out.exists() and not _starts_with(out, start):
        fail(f"{option} {out} exists and is not {kind}: choose a new file name, or move that "
             "file away first")


def _starts_with(path: Path, text: str) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.read(len(text)) == text
    except (OSError, UnicodeDecodeError):
        return False


def _check_file(path: Path) -> None:
    if not path.exists():
        try:
            names = sorted(p.name for p in path.parent.iterdir() if p.is_file())[:500]
        except OSError:  # no such folder, or not allowed to list it
            names = []
        siblings = similar(path.name, names)
        hint = f" (did you mean {' or '.join(siblings)}?)" if siblings else ""
        fail(f"file not found: {path}{hint}; check the path and try again")
    if path.is_dir():
        fail(f"{path} is a folder: give a data file")
    if path.stat().st_size == 0:
        fail(f"{path} is empty: give a file with a header row and at least one customer")


def _mapping(values: list[str] | None) -> dict[str, str] | None:
    if not values:
        return None
    roles = [r.value for r in Role]
    mapping: dict[str, str] = {}
    for value in values:
        role, _, column = value.partition("=")
        key = role.strip().lower().replace("-", "_").replace(" ", "_")
        if key not in roles:
            raise DataError(f"--map {value}: {role.strip()!r} is not a role; "
                            f"use one of {', '.join(roles)}", nearest(role, roles) or roles)
        mapping[key] = column.strip()
    return mapping


def check_can_save(workspace: Path, name: str | None, overwrite: bool) -> None:
    """Fail before loading any data when a save is bound to be refused."""
    from tools.library import slugify

    if not name or not slugify(name):  # letters of any script: "高价值客户" is a name
        fail("saving needs a name with at least one letter or digit: add `name:` to the "
             "YAML file or pass --name NAME")
    if not overwrite and library(workspace).exists(name):
        fail(f"a segment named {name!r} is already saved: choose another name or "
             "pass --overwrite")


def load_data(args: DataArgs, progress: ProgressCallback | None = None) -> CustomerData:
    """Load with the workspace cache, after checks that give plain one-line errors.

    `progress` hears each loading step (assistant.progress.load_with_progress draws them).
    """
    mapping, cache = load_options(args)
    from tools.engine.loading import load_customer_data

    return load_customer_data(
        args.path, table=args.table, mapping=mapping,
        as_of=date.fromisoformat(args.as_of) if args.as_of else None, cache_dir=cache,
        progress=progress)


def load_options(args: DataArgs) -> tuple[dict[str, str], Path]:
    """The column mapping and the cache folder a load of `args` uses, after the file's checks
    (for a command that may answer from the file without loading it)."""
    _check_file(args.path)
    from tools.dictionary import dictionary_path, load_dictionary

    # The cache holds every column of the data, personal ones included: a private folder.
    cache = private_folder(args.workspace / "cache")
    # The team's data dictionary may name roles ("frequency: NumStorePurchases"); --map wins.
    roles = load_dictionary(dictionary_path(args.workspace, args.path.resolve())).roles
    return {**roles, **(_mapping(args.mapping) or {})}, cache


def nearest(word: str, candidates: list[str], n: int = 3) -> list[str]:
    return list(engine_nearest(word, candidates, n))


def library(workspace: Path) -> SegmentLibrary:
    from tools.library import SegmentLibrary

    return SegmentLibrary(workspace)


# ----- definitions and named segments --------------------------------------------


def read_definition(path: Path) -> SegmentDefinition:
    """A definition from a YAML file; a bare condition (with `type:`) is accepted too."""
    import yaml
    from pydantic import ValidationError

    from tools.engine.definitions import SegmentDefinition, load_yaml

    _check_file(path)
    try:
        raw = load_yaml(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise DefinitionError(f"{path} is not a text file: give a YAML definition") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        reason = str(getattr(exc, "problem", None) or exc)
        advice = (reason if "alias" in reason or "nested" in reason
                  else "check the indentation and quotes")
        raise DefinitionError(f"{path} is not valid YAML{where}: {advice}") from None
    if isinstance(raw, dict) and "condition" not in raw and "type" in raw:
        raw = {"condition": raw}
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path} does not hold a segment definition: it needs a "
                              "`condition:` (see docs/CLI.md)")
    try:
        return SegmentDefinition.from_data(raw)
    except ValidationError as exc:
        loc, msg = first_problem(exc)
        msg = msg.removeprefix("Value error, ")
        raise DefinitionError(f"{path}: {loc or 'definition'}: {msg}") from None


@dataclass
class SegmentChoice:
    """A segment named on the command line, looked up but not evaluated yet."""

    label: str
    kind: str  # "saved", "rfm", "lifecycle", "file", "all"
    condition: Condition | None  # None: all customers


@dataclass
class NamedSegment(SegmentChoice):
    """A segment named on the command line, resolved against the data."""

    mask: pd.Series


def choose_segment(name: str, workspace: Path) -> SegmentChoice:
    """A saved segment, an RFM segment, a lifecycle stage, a YAML file, or "all"."""
    from tools.segment_names import builtin_label, named_condition, rfm_names

    if name.strip().lower() in {"all", "everyone", "all customers"}:
        return SegmentChoice("all customers", "all", None)
    lib = library(workspace)
    if lib.exists(name):
        definition = lib.definition(name)
        return SegmentChoice(definition.name or name, "saved", definition.condition)
    if name.endswith((".yaml", ".yml")) and Path(name).is_file():
        definition = read_definition(Path(name))
        return SegmentChoice(definition.name or Path(name).stem, "file", definition.condition)
    try:  # the tools' lookup: saved names were taken above, so this is RFM or a stage
        condition = named_condition(name, lib.names())
    except SegmentNotFound as missing:
        options = missing.options
        hint = f"; did you mean {', '.join(repr(o) for o in options)}?" if options else ""
        raise SegmentNotFound(
            f"no segment named {name!r}: give a saved segment, an RFM segment, a lifecycle "
            f"stage or a YAML file{hint}", options or rfm_names()) from None
    kind = "rfm" if condition.type == "rfm_segment" else "lifecycle"
    return SegmentChoice(builtin_label(condition), kind, condition)


def named_segment(name: str, data: CustomerData, workspace: Path) -> NamedSegment:
    """`choose_segment`, with its members in `data`."""
    import pandas as pd

    from tools.engine.evaluate import evaluate

    chosen = choose_segment(name, workspace)
    if chosen.condition is None:
        return NamedSegment(chosen.label, chosen.kind, None,
                            pd.Series(True, index=data.customers.index, dtype=bool))
    add_predicted_measures(data, chosen.condition)  # a saved "probably lapsed" segment
    mask = evaluate(chosen.condition, data, resolve=library(workspace).resolver())
    return NamedSegment(chosen.label, chosen.kind, chosen.condition, mask)
