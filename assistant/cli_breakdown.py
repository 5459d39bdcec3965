"""`segment breakdown`: a figure about the customers, broken down by one column.

It calls the same `compute_figures` tool the conversation uses, so the numbers, the
groups and the wording are the ones a chat answer gives; the first question on a large
order log is answered from its lines instead, when that is exact (`tools/lines_breakdown`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli_common import (
    DEFAULT_WORKSPACE,
    AsOfOpt,
    DataArgs,
    DataOpt,
    JsonOpt,
    MapOpt,
    TableOpt,
    WorkspaceOpt,
    guarded,
    library,
    load_data,
    load_options,
    print_json,
    read_definition,
)
from tools.engine.errors import EngineError
from tools.engine.schema import Role
from tools.engine.sql_dialects import transpile

MEASURE_HELP = (
    "customers (default); revenue (total spend); revenue-share; order-value (revenue per "
    "order); spend-per-customer; sum:COLUMN, mean:COLUMN, median:COLUMN, min:COLUMN, "
    "max:COLUMN; rate:COLUMN (a yes/no column) or rate:COLUMN=VALUE.")
_NAMED = {"customers": "customers", "revenue-share": "revenue_share",
          "order-value": "order_value", "aov": "order_value",
          "spend-per-customer": "spend_per_customer"}
_OF_COLUMN = ("sum", "mean", "median", "min", "max")


def register(app: typer.Typer) -> None:
    app.command("breakdown")(breakdown)


@guarded
def breakdown(
    data_file: DataOpt,
    by: Annotated[str | None, typer.Option(
        "--by", help="Break the figure down by this column (numbers in readable bins).")] = None,
    measure: Annotated[str, typer.Option("--measure", help=MEASURE_HELP)] = "customers",
    segment: Annotated[str | None, typer.Option(
        "--segment", help="Only this segment: a saved one, an RFM segment, a lifecycle stage "
        "or a YAML definition (default: everyone).")] = None,
    compare: Annotated[bool, typer.Option(
        "--compare", help="Set the segment's figures against the whole base.")] = False,
    top: Annotated[int, typer.Option("--top", min=1, max=50,
                                     help="Groups shown before 'other'.")] = 10,
    bins: Annotated[str | None, typer.Option(
        "--bins", metavar="EDGES", help="Bin edges for a number column, e.g. 18,30,45,60.")
    ] = None,
    chart: Annotated[bool, typer.Option("--chart", help="Draw each group as a bar.")] = False,
    sql: Annotated[str | None, typer.Option(
        "--sql", metavar="DIALECT", help="Print the breakdown's grouping query for DuckDB "
        "(duckdb) or a warehouse (spark, snowflake, bigquery, ...) instead.")] = None,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    as_of: AsOfOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """How many, how much, what share: one figure per group (--by), for everyone or a segment."""
    from tools.toolkit import Toolkit

    source = DataArgs(data_file, maps, as_of, table, workspace)
    args: dict[str, Any] = {"by": by, "top": top, "compare_with_base": compare}
    if bins:
        args["bins"] = _edges(bins)
    if segment:
        args.update(_whom(segment))
    summary = None if sql else _from_lines(source, measure, args)
    if summary is None:
        data = load_data(source)
        args.update(measure_args(measure, data))
        if sql:
            print(_query(data, args, sql, workspace))
            return
        result = Toolkit(data, library=library(workspace)).call("compute_figures", args)
        if not result.ok:
            options = f" Options: {', '.join(result.options[:8])}." if result.options and \
                not any(o in result.message for o in result.options[:3]) else ""
            raise EngineError(result.message + options)
        summary = result.summary
    _print(summary, as_json=as_json, chart=chart)


def _from_lines(source: DataArgs, measure: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """The answer straight from a large log's lines, when that is exact (`lines_breakdown`)."""
    from tools.lines_breakdown import LOG_MONEY, quick_figures

    mapping, cache = load_options(source)
    # A rate's yes/no target is read from loaded data: a stand-in, which sends it to the load.
    measured = _measure(measure, lambda: LOG_MONEY, lambda name: {"yes": name})
    return quick_figures(source.path, {**args, **measured}, cache_dir=cache, mapping=mapping,
                         table=source.table, as_of=source.as_of)


def _print(summary: dict[str, Any], *, as_json: bool, chart: bool) -> None:
    if as_json:
        print_json(summary)
        return
    from assistant.cli_render import console
    from assistant.figure_render import figures_table
    from assistant.figure_replies import figures_lines

    drawn = figures_table(summary) if chart else None
    if drawn is not None:
        console().print(drawn)
    else:
        console().print("\n".join(figures_lines(summary)), markup=False, highlight=False)


def measure_args(measure: str, data: Any) -> dict[str, Any]:
    """`--measure` as compute_figures arguments ("mean:Income", "rate:Churn=Yes")."""
    from tools.engine.behaviour import behaviour_column
    from tools.engine.figures import yes_condition

    return _measure(measure, lambda: behaviour_column(data, Role.MONETARY),
                    lambda name: yes_condition(data, name).model_dump(mode="json"))


def _measure(measure: str, money: Callable[[], str | None],
             yes: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """`--measure` with the data's spend column (`money`) and a yes/no column's target (`yes`)
    read where the caller reads them."""
    text = measure.strip()
    key = text.lower()
    if key in _NAMED:
        return {"statistic": _NAMED[key]}
    if key == "revenue":
        spend = money()
        if spend is None:
            raise EngineError("The data has no spend or amount column, so there is no revenue "
                              "to measure; use --measure sum:COLUMN or mean:COLUMN.")
        return {"statistic": "sum", "column": spend}
    statistic, _, column = text.partition(":")
    statistic = statistic.strip().lower()
    if statistic in _OF_COLUMN and column.strip():
        return {"statistic": statistic, "column": column.strip()}
    if statistic == "rate" and column.strip():
        name, _, value = column.partition("=")
        if value.strip():
            target = {"type": "in", "column": name.strip(), "values": [value.strip()]}
        else:
            target = yes(name.strip())
        return {"statistic": "rate", "target": target}
    raise EngineError(f"Unknown measure '{measure}'. Use {MEASURE_HELP}")


def _edges(text: str) -> list[float]:
    try:
        return [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        raise EngineError(f"--bins takes numbers separated by commas (e.g. 18,30,45,60), "
                          f"not '{text}'.") from None


def _whom(segment: str) -> dict[str, Any]:
    if segment.endswith((".yaml", ".yml")) and Path(segment).is_file():
        return {"condition": read_definition(Path(segment)).condition.model_dump(mode="json")}
    return {"segment": segment}


def _query(data: Any, args: dict[str, Any], dialect: str, workspace: Path) -> str:
    """The grouping query over the customer table, as DuckDB or a warehouse runs it."""
    import duckdb

    from tools.engine.definitions import Condition, SegmentRef
    from tools.engine.figures import Figure
    from tools.engine.figures_sql import Roles, figure_query
    from tools.figure_summaries import figure_roles, parse_condition
    from tools.segment_names import builtin_segment

    figure = Figure(statistic=args["statistic"], column=args.get("column"),
                    target=parse_condition(args["target"]) if args.get("target") else None,
                    by=args.get("by"), bins=args.get("bins"), top=args["top"])
    population: Condition | None = None
    if args.get("condition"):
        population = parse_condition(args["condition"])
    elif args.get("segment"):
        name = args["segment"]
        population = builtin_segment(name) or SegmentRef(name=name)
    connection = duckdb.connect()
    try:
        connection.register("customers", data.customers.reset_index())
        money, orders = figure_roles(data)
        query = figure_query(connection, figure, population=population,
                             roles=Roles(money=money, orders=orders),
                             resolve=library(workspace).resolver())
    finally:
        connection.close()
    return query if dialect.lower() == "duckdb" else transpile(query, dialect)
