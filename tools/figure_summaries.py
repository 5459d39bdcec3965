"""The figures' words and charts: the headline of a `compute_figures` answer
(`analysis_tools.compute_figures`), a condition given as data checked, and a breakdown's
bars. Nothing that identifies a customer leaves: groups are values of non-personal
columns, figures are counts and statistics, small groups are marked.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from tools import charts
from tools.engine.behaviour import behaviour_column
from tools.engine.dataset import CustomerData
from tools.engine.definitions import Condition
from tools.engine.errors import DefinitionError
from tools.engine.features import FEATURE_COLUMNS
from tools.engine.figures import COLUMN_STATISTICS, FigureTable
from tools.engine.schema import Role
from tools.engine.wording import percent_digits


def parse_condition(raw: dict[str, Any]) -> Condition:
    try:
        parsed: Condition = TypeAdapter(Condition).validate_python(raw)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0].get("loc", ()))
        raise DefinitionError(f"The condition is not valid at '{where}': "
                              f"{exc.errors()[0].get('msg', 'invalid')}.") from exc
    return parsed


def figure_roles(data: CustomerData) -> tuple[str | None, str | None]:
    """The spend and order-count columns money figures read (None where the data has none)."""
    return behaviour_column(data, Role.MONETARY), behaviour_column(data, Role.FREQUENCY)


def figures_summary(table: FigureTable, *, segment: str = "all customers",
                    condition: str | None = None, target: str | None = None,
                    within: int | None = None, from_log: bool = False) -> dict[str, Any]:
    """A `compute_figures` answer as data: whom it counts (`segment`, the `condition` and
    the rate's `target` in words), the table, and the share of the base it covers (and of
    the segment, `within` customers, a condition narrowed). `from_log`: the data is an order
    log, whose other columns are each customer's most frequent value (`by_usual` says so of
    the groups: "revenue by store" puts each customer's spend under their usual store)."""
    out = {"segment": segment, "condition": condition, "target": target,
           "by_usual": from_log and table.by is not None and not table.bins
           and table.by not in FEATURE_COLUMNS,
           "share_of_base": round(table.population / max(table.base, 1), 6),
           **table.to_dict(), "table": table.table()}
    if within is not None:
        out["segment_size"] = within
        out["share_of_segment"] = round(table.population / max(within, 1), 6)
    return out


def figure_chart(summary: dict[str, Any]) -> charts.BarChart:
    """A breakdown's bars (English labels) for the HTML report and PNG export."""
    statistic = summary.get("statistic", "customers")
    by = summary.get("by")
    what = statistic.replace("_", " ") + (f" of {summary['column']}" if summary.get("column")
                                          and statistic in COLUMN_STATISTICS else "")
    if summary.get("target"):
        what += f" ({summary['target']})"
    who = summary.get("condition") or summary.get("segment") or "all customers"
    title = f"{what[:1].upper()}{what[1:]}" + (f" by {by}" if by else "") + f", {who}"
    rows = summary.get("rows") if by else [summary.get("total", {})]
    bars = []
    for row in rows or []:
        value = row.get("value")
        number = 0.0 if value is None else float(value)
        percent = statistic in ("rate", "revenue_share")
        label = "other" if row.get("other") else str(row.get("group", "all"))
        note = f"{row.get('customers', 0):,} customers" + (", fewer than 5" if row.get("small")
                                                            else "")
        bars.append(charts.Bar(label=label, value=100 * number if percent else number,
                               note=note, shown=_show(statistic, value)))
    unit = "%" if statistic in ("rate", "revenue_share") else statistic.replace("_", " ")
    return charts.BarChart(title=title, bars=tuple(bars), unit=unit)


def headline(table: FigureTable) -> str:
    """One English line: the figure, or the first groups of a breakdown."""
    what = table.statistic.replace("_", " ") + (f" of {table.column}" if table.column and
                                                table.statistic in ("sum", "mean", "median",
                                                                    "min", "max") else "")
    if not table.by:
        return f"{what}: {_show(table.statistic, table.total.value)} " \
               f"({table.population:,} customers)."
    parts = [f"{r.group} {_show(table.statistic, r.value)}" for r in table.rows[:5]]
    return f"{what} by {table.by}: " + "; ".join(parts) + "."


def _show(statistic: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if statistic in ("rate", "revenue_share"):
        return f"{percent_digits(value)}%"
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"
