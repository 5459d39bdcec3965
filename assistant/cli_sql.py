"""`segment sql`: a segment definition as SQL for DuckDB or a warehouse, optionally run in place.

Registered by `register(app)`; the engine is imported inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli_common import (
    DEFAULT_WORKSPACE,
    AsOfOpt,
    DataArgs,
    JsonOpt,
    MapOpt,
    WorkspaceOpt,
    _mapping,
    guarded,
    library,
    load_data,
    print_json,
    read_definition,
)
from tools.engine.errors import DataError, DefinitionError, SegmentNotFound
from tools.engine.schema import ColumnInfo, DType, Role, Schema

if TYPE_CHECKING:
    from tools.engine.cluster_sql import SampleCoverage
    from tools.engine.definitions import SegmentDefinition

DIALECTS = ("duckdb", "snowflake", "bigquery", "spark", "databricks", "postgres", "trino",
            "redshift")


def register(app: typer.Typer) -> None:
    app.command("sql")(sql)


def _definition(segment: str, workspace: Path) -> SegmentDefinition:
    """A saved segment, a YAML file, or an RFM segment name."""
    from tools.engine.definitions import RfmSegment, SegmentDefinition
    from tools.engine.rfm_scheme import default_scheme

    path = Path(segment)
    if path.suffix.lower() in {".yaml", ".yml"} or path.is_file():
        return read_definition(path)
    lib = library(workspace)
    if lib.exists(segment):
        return lib.definition(segment)
    names = {name.lower(): name for name in default_scheme().segment_names()}
    if segment.strip().lower() in names:
        return SegmentDefinition(name=names[segment.strip().lower()],
                                 condition=RfmSegment(segments=[names[segment.strip().lower()]]))
    saved = lib.names()
    raise SegmentNotFound(f"No saved segment, YAML file or RFM segment '{segment}'; see "
                          "segment list.", options=[*saved, *default_scheme().segment_names()])


@guarded
def sql(
    segment: Annotated[str | None, typer.Argument(
        help="A saved segment, a YAML definition file, or an RFM segment name.",
        show_default=False)] = None,
    dialect: Annotated[str, typer.Option(
        "--dialect", help=f"SQL dialect: {', '.join(DIALECTS)}.")] = "duckdb",
    table: Annotated[str, typer.Option(
        "--table", help="The table (or view) of one row per customer.")] = "customers",
    id_column: Annotated[str, typer.Option(
        "--id-column", help="The customer id column of that table.")] = "customer_id",
    data: Annotated[Path | None, typer.Option(
        "--data", "-d", help="A one-row-per-customer Parquet or CSV file: its column types "
        "decide how values compare; with --run the segment is computed on it by DuckDB.",
        show_default=False)] = None,
    run: Annotated[bool, typer.Option(
        "--run", help="Run the SQL on --data with DuckDB (the file is not loaded into "
        "memory) and print the member count.")] = False,
    features: Annotated[bool, typer.Option(
        "--features", help="Print the customer features (recency, frequency, monetary, ...) "
        "computed from a table of order lines instead of a segment; roles by --map, or read "
        "from --data (a Parquet or CSV file of order lines).")] = False,
    maps: MapOpt = None,
    attributes: Annotated[list[str] | None, typer.Option(
        "--attribute", metavar="COLUMN", help="With --features: a category column whose most "
        "frequent value per customer is kept (repeatable).")] = None,
    as_of: AsOfOpt = None,
    clusters: Annotated[bool, typer.Option(
        "--clusters", help="Print the cluster assignment of every customer in --table: "
        "k-means fitted on --data (a sample of the customers, or their order lines); with a "
        "SEGMENT, the groups within that segment.")] = False,
    k: Annotated[int | None, typer.Option(
        "--k", min=2, max=20, help="With --clusters: number of clusters (default: chosen "
        "from the data).")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", help="With --clusters: comma-separated columns to cluster on (default: "
        "chosen from the data).")] = None,
    base: Annotated[Path | None, typer.Option(
        "--base", help="With --clusters: all customers (a Parquet or CSV file, read by DuckDB "
        "in place), or the one-row result of the --quantiles query run on --table: reports "
        "how well --data represents them.", show_default=False)] = None,
    quantiles: Annotated[bool, typer.Option(
        "--quantiles", help="With --clusters: print the query of --table's quantiles (run it "
        "where the data lives, save the row as CSV, give it to --base) instead of the "
        "assignment.")] = False,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Print a segment as SQL (DuckDB, or a warehouse dialect via sqlglot)."""
    from tools.engine.sql import file_column_kinds, members_from_file, to_sql

    if dialect not in DIALECTS:
        raise DefinitionError(f"No SQL dialect '{dialect}'; choose one of "
                              f"{', '.join(DIALECTS)}.", options=list(DIALECTS))
    if clusters:
        within = _definition(segment, workspace) if segment is not None else None
        _clusters(dialect=dialect, table=table, id_column=id_column, data=data, maps=maps,
                  as_of=as_of, k=k, on=on, within=within, base=base, quantiles=quantiles,
                  as_json=as_json, workspace=workspace)
        return
    if features:
        _features(dialect=dialect, table=table, data=data, run=run, maps=maps,
                  attributes=attributes or [], as_of=as_of, as_json=as_json)
        return
    if segment is None:
        raise DefinitionError("Name a segment (saved, a YAML file or an RFM segment), or use "
                              "--features for the customer features query.")
    if run and data is None:
        raise DefinitionError("--run needs --data FILE (a Parquet or CSV file of customers).")
    definition = _definition(segment, workspace)
    resolve = library(workspace).resolver()
    kinds = file_column_kinds(str(data)) if data is not None else None
    query = to_sql(definition.condition, table=table, dialect=dialect, id_column=id_column,
                   kinds=kinds, resolve=resolve)
    members = (members_from_file(definition.condition, str(data), id_column=id_column,
                                 resolve=resolve) if run and data is not None else None)
    if as_json:
        print_json({"segment": definition.name or segment, "dialect": dialect, "sql": query,
                    "members": None if members is None else len(members)})
        return
    typer.echo(query)
    if members is not None:
        typer.echo(f"-- {len(members):,} customers in {data}")


def _features(*, dialect: str, table: str, data: Path | None, run: bool,
              maps: list[str] | None, attributes: list[str], as_of: str | None,
              as_json: bool) -> None:
    """`segment sql --features`: the customer features query for a table of order lines."""
    from tools.engine.feature_sql import (
        count_customers,
        features_sql,
        file_lines_schema,
        schema_from_mapping,
    )

    mapping = _mapping(maps) or {}
    if data is None:
        if run:
            raise DataError("--run needs --data FILE (a Parquet or CSV file of order lines).")
        if not mapping:
            raise DataError("Say which columns hold what: --map customer_id=COLUMN --map "
                            "date=COLUMN --map amount=COLUMN (or --data a sample file).")
        schema: Schema = schema_from_mapping(mapping, attributes)
        types: dict[str, str] = {}
    else:
        schema, types = file_lines_schema(str(data), mapping)
        # Named attributes are categories whatever the first rows suggested.
        kept = [c for c in schema.columns if c.name not in attributes]
        named = [ColumnInfo(name=name, role=Role.CATEGORY, dtype=DType.TEXT)
                 for name in dict.fromkeys(attributes)]
        schema = Schema(kind=schema.kind, columns=(*kept, *named))
    query = features_sql(schema, table=table, as_of=as_of, dialect=dialect, types=types)
    customers = (count_customers(str(data), schema, as_of=as_of, types=types)
                 if run and data is not None else None)
    if as_json:
        print_json({"features": True, "dialect": dialect, "sql": query,
                    "customers": customers})
        return
    typer.echo(query)
    if customers is not None:
        typer.echo(f"-- {customers:,} customers in {data}")


def _clusters(*, dialect: str, table: str, id_column: str, data: Path | None,
              maps: list[str] | None, as_of: str | None, k: int | None, on: str | None,
              within: SegmentDefinition | None, base: Path | None, quantiles: bool,
              as_json: bool, workspace: Path) -> None:
    """`segment sql --clusters`: k-means fitted on --data, assignment as SQL for --table.

    `within`: fitted on that segment's members of --data, and only its members of --table
    are assigned. `base`: the sample's coverage of the base is reported too; `quantiles`:
    the query of the base's quantiles is printed instead of the assignment.
    """
    from tools.engine.cluster_sql import (
        assignment_sql,
        quantiles_from_file,
        quantiles_sql,
        sample_coverage,
    )
    from tools.engine.clustering import default_features, fit_clustering
    from tools.engine.evaluate import evaluate
    from tools.engine.sql import column_kinds

    if data is None:
        raise DataError("--clusters needs --data FILE (customers, or a sample of them, to fit "
                        "the clusters on).")
    loaded = load_data(DataArgs(path=data, mapping=maps, as_of=as_of, table=None,
                                workspace=workspace))
    chosen = ([c.strip() for c in on.split(",") if c.strip()] if on
              else default_features(loaded))
    resolve = library(workspace).resolver()
    condition = within.condition if within is not None else None
    population = (evaluate(condition, loaded, resolve=resolve) if condition is not None
                  else None)
    model = fit_clustering(loaded, chosen, k, population=population)
    kinds = column_kinds(loaded.customers)
    numeric = [n.name for n in model.prep_.numeric]
    if quantiles:
        query = quantiles_sql(numeric, table=table, dialect=dialect, id_column=id_column,
                              within=condition, kinds=kinds, resolve=resolve)
    else:
        query = assignment_sql(model, table=table, dialect=dialect, id_column=id_column,
                               within=condition, kinds=kinds, resolve=resolve)
    coverage = None
    if base is not None:
        sample = loaded.customers if population is None else loaded.customers[population]
        coverage = sample_coverage(model, sample, quantiles_from_file(
            str(base), numeric, within=condition, id_column=id_column, resolve=resolve))
    segment = within.name if within is not None else None
    if as_json:
        print_json({"clusters": model.k_, "features": list(model.features_),
                    "names": list(model.names_), "within": segment, "dialect": dialect,
                    "sql": query, "coverage": coverage.to_dict() if coverage else None})
        return
    names = "; ".join(f"{i} = {name}" for i, name in enumerate(model.names_))
    where = f" within {segment}" if segment else ""
    typer.echo(f"-- {model.k_} clusters{where} on {', '.join(model.features_)}: {names}")
    if coverage is not None:
        typer.echo(_coverage_comment(coverage))
    typer.echo(query)


def _coverage_comment(coverage: SampleCoverage) -> str:
    """One SQL comment line: whether the fitting sample looks like the base, and where not."""
    if coverage.representative:
        return (f"-- the {coverage.sample_size:,} customers fitted on represent the base: "
                "every feature within 10 points at its quantiles")
    off = [f"{f.feature} (off by {f.worst_gap * 100:.0f} points)" for f in coverage.features
           if not f.representative]
    return (f"-- the {coverage.sample_size:,} customers fitted on do not represent the base "
            f"on {', '.join(off)}: fit on a random sample of it")
