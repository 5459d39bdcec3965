"""`segment data dictionary FILE`: show, start and edit the data dictionary of a dataset.

The dictionary is a YAML file per dataset in the workspace (`.segment/dictionaries/`),
meant to be committed: column descriptions, other words for columns and values in any
language, the unit of a duration column, the value that means yes, role choices. The
interpreter reads it; what a user teaches in a conversation is written to it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_common import DataArgs, JsonOpt, WorkspaceOpt, load_data, print_json
from tools.engine.errors import DataError
from tools.engine.matching import nearest
from tools.engine.schema import Role

ColumnOpt = Annotated[str | None, typer.Option("--column", help="The column to describe.")]


def dictionary(
    file: Annotated[Path, typer.Argument(help="The data file.", show_default=False)],
    init: Annotated[bool, typer.Option(
        "--init", help="Write an entry for every column that has none yet.")] = False,
    column: ColumnOpt = None,
    synonym: Annotated[list[str] | None, typer.Option(
        "--synonym", help="Another word for the column (any language; repeatable).")] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", help="A duration column's unit: days, weeks, months or years.")] = None,
    yes: Annotated[str | None, typer.Option(
        "--yes", help="The value of a yes/no column that means yes.")] = None,
    describe: Annotated[str | None, typer.Option(
        "--describe", help="What the column holds, in a sentence.")] = None,
    role: Annotated[str | None, typer.Option(
        "--role", help="Use the column as this role (e.g. frequency, monetary), as --map.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path(".segment"),
) -> None:
    """Show the data dictionary of FILE, or change it (--init, --column with a setting)."""
    from assistant.cli_render import console
    from tools.dictionary import UNITS, dictionary_path, load_dictionary, save_dictionary

    path = dictionary_path(workspace, file.resolve())
    book = load_dictionary(path)
    changed = False
    if init or column:
        data = load_data(DataArgs(file, None, None, None, workspace))
        names = [c.name for c in data.schema.columns if c.role is not Role.PERSONAL]
        if init:
            for info in data.schema.columns:
                if info.role is not Role.PERSONAL and info.name not in book.columns:
                    book.column(info.name).description = ""
            book.dataset = book.dataset or file.name
            changed = True
        if column:
            if column not in names:
                close = nearest(column, names, n=3)
                raise DataError(f"No column '{column}' in {file.name}. Did you mean: "
                                f"{', '.join(close or names[:5])}?")
            entry = book.column(column)
            if unit is not None:
                if unit.lower() not in UNITS:
                    raise DataError(f"Unit '{unit}' is not one of: {', '.join(UNITS)}.")
                entry.unit = unit.lower()
            entry.synonyms += [s for s in synonym or [] if s not in entry.synonyms]
            entry.yes = yes if yes is not None else entry.yes
            entry.description = describe if describe is not None else entry.description
            if role:
                book.roles[role] = column
            changed = True
    if changed:
        save_dictionary(book, path)
    if as_json:
        print_json({"path": str(path.resolve()), "exists": path.exists(),
                    "dictionary": book.model_dump(mode="json", exclude_defaults=True)})
        return
    if not path.exists():
        console().print(f"No data dictionary yet for {file.name}. Start one with "
                        f"`segment data dictionary {file} --init` (written to {path.resolve()}).")
        return
    console().print(f"Data dictionary: {path.resolve()}")
    console().print(book.to_yaml(), markup=False, highlight=False)
