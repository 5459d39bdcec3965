"""Rich tables for the `segment` commands.

Renderers take engine results (or their `to_dict()` form) and print them; they
compute nothing a marketer would read as a number except formatting.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from tools.engine.schema import ColumnInfo, Role
from tools.measure_view import TELLING, left_out_notes, measure_value, telling

if TYPE_CHECKING:
    import pandas as pd

    from tools.engine.dataset import CustomerData
    from tools.engine.rfm import RfmScheme, RfmSegmentSummary
    from tools.library import RefreshReport, SavedSegment, SavedSegmentInfo


def console() -> Console:
    # Piped into a file or a CI log there is no terminal width: 80 columns would
    # wrap the wider tables, so use 120 unless COLUMNS says otherwise.
    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, soft_wrap=False, width=120 if piped else None)


def count(value: Any) -> str:
    return "-" if value is None else f"{int(value):,}"


def percent(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if digits == 1:
        from tools.engine.wording import percent_digits

        return f"{percent_digits(float(value))}%"
    return f"{float(value) * 100:.{digits}f}%"


def number(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or float(value).is_integer() and abs(float(value)) >= 100:
        return f"{float(value):,.0f}"
    return f"{float(value):,.{digits}f}"


def money(value: Any, currency: str | None) -> str:
    if value is None:
        return "-"
    return f"{currency or ''}{float(value):,.2f}"


def _example(value: Any) -> str:
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") or len(text) == 10 else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:24]


def _examples(data: CustomerData, column: ColumnInfo) -> str:
    values = list(column.values)[:3]
    if not values and column.name in data.customers.columns:
        present = data.customers[column.name].dropna()
        values = [_example(v) for v in present.drop_duplicates().head(3)]
    if values:
        return ", ".join(values)
    if column.minimum is not None and column.maximum is not None:
        if column.role in (Role.CUSTOMER_ID, Role.ORDER_ID):
            return f"{_example(column.minimum)} to {_example(column.maximum)}"
        return f"{number(column.minimum)} to {number(column.maximum)}"
    return ""


def inspect_dict(data: CustomerData) -> dict[str, Any]:
    source = data.source
    return {
        "file": source.path,
        "kind": str(source.kind),
        "rows_read": source.rows_read,
        "cleaning": [{"rule": s.rule, "rows_removed": s.rows_removed} for s in source.cleaning],
        "rows_kept": source.rows_kept,
        "customers": data.n_customers,
        "as_of": source.as_of,
        "currency": source.currency,
        "warnings": list(source.warnings),
        "columns": [
            {"name": c.name, "role": str(c.role), "type": str(c.dtype), "reason": c.reason,
             "missing": c.n_missing, "unique": c.n_unique,
             "examples": _examples(data, c)}
            for c in source.raw_schema.columns
        ],
        "customer_columns": [{"name": c.name, "role": str(c.role), "type": str(c.dtype)}
                             for c in data.schema.columns],
    }


def render_inspect(out: Console, data: CustomerData) -> None:
    info = inspect_dict(data)
    kind = ("transaction log (many rows per customer)" if info["kind"] == "transactions"
            else "customer table (one row per customer)")
    out.print(f"[bold]{info['file']}[/bold]: {kind}")
    out.print(f"Rows read: {count(info['rows_read'])}")
    if info["cleaning"]:
        steps = Table(title="Cleaning", title_justify="left")
        steps.add_column("Step")
        steps.add_column("Rows removed", justify="right")
        for step in info["cleaning"]:
            steps.add_row(step["rule"], count(step["rows_removed"]))
        out.print(steps)
        out.print(f"Rows kept: {count(info['rows_kept'])}")
    out.print(f"Customers: [bold]{count(info['customers'])}[/bold]")
    if info["as_of"] is not None:
        out.print(f"As-of date (recency is counted up to it): {info['as_of']}")
    out.print(f"Currency: {info['currency']}" if info["currency"]
              else "Currency: not stated in the file (amounts are shown without a symbol)")
    for warning in info["warnings"]:
        out.print(f"[yellow]Note:[/yellow] {warning}")
    roles = Table(title="Columns and their roles", title_justify="left")
    for header in ("Column", "Role", "Type", "Why", "Examples"):
        roles.add_column(header, overflow="fold")
    for column in info["columns"]:
        roles.add_row(column["name"], column["role"], column["type"], column["reason"],
                      column["examples"])
    out.print(roles)
    out.print("Change a role with --map ROLE=COLUMN, e.g. --map amount=Revenue.")


def render_rfm(out: Console, summaries: list[RfmSegmentSummary], data: CustomerData,
               scheme: RfmScheme | None = None, caveats: dict[str, Any] | None = None) -> None:
    """The named segments, then what the table alone hides (`replies.rfm_notes`; `caveats`:
    the run_rfm tool's, else computed here)."""
    currency = data.source.currency
    table = Table(title=f"RFM segments of {count(data.n_customers)} customers"
                  + (f" (as of {data.source.as_of})" if data.source.as_of else ""),
                  title_justify="left")
    table.add_column("Segment")
    for header in ("Customers", "Share", "Revenue share", "Avg recency (days)", "Avg orders",
                   "Avg spend"):
        table.add_column(header, justify="right")
    for s in summaries:
        table.add_row(s.name, count(s.customers), percent(s.share), percent(s.revenue_share),
                      number(s.avg_recency), number(s.avg_frequency),
                      money(s.avg_monetary, currency))
    out.print(table)
    from assistant.replies import ReplyWords, rfm_notes
    from tools.engine.rfm import rfm_caveats

    facts = {**(caveats if caveats is not None else rfm_caveats(data, summaries, scheme)),
             "segments": [s.to_dict() for s in summaries]}
    for note in rfm_notes(facts, ReplyWords("en")):
        out.print(note, style="yellow", markup=False, highlight=False)


def render_rfm_grid(out: Console, cells: pd.DataFrame) -> None:
    """Counts per R (rows, 5 = most recent on top) and F (columns, 5 = most orders)."""
    from tools.engine.rfm_scheme import default_scheme

    scheme = default_scheme()
    table = Table(title="Customers by R and F score (segment in brackets)", title_justify="left")
    table.add_column("")
    for f in cells.columns:
        table.add_column(f"F {f}", justify="right")
    for r in cells.index:
        table.add_row(f"R {r}", *(f"{int(cells.loc[r, f]):,} [dim]"
                                  f"({_initials(scheme.segment_of(int(r), int(f)))})[/dim]"
                                  for f in cells.columns))
    out.print(table)
    legend = ", ".join(f"{_initials(n)} = {n}" for n in scheme.segment_names())
    out.print(f"[dim]{legend}[/dim]")


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.replace("'", "").split()).upper()


def render_members(out: Console, label: str, size: int, total: int, description: str) -> None:
    share = size / total if total else 0.0
    out.print(f"[bold]{label}[/bold]: {description}")
    out.print(f"  {count(size)} customers ({percent(share)} of {count(total)})")
    if size == 0:
        out.print("  No customer matches: check the values against "
                  "`segment data inspect FILE`.")


def render_overlap(out: Console, label_a: str, label_b: str, overlap: dict[str, Any]) -> None:
    table = Table(title="Overlap", title_justify="left")
    table.add_column("")
    table.add_column("Customers", justify="right")
    rows = [(f"only {label_a}", overlap.get("only_a")), (f"only {label_b}", overlap.get("only_b")),
            ("in both", overlap.get("both"))]
    for name, value in rows:
        table.add_row(name, count(value))
    jaccard = overlap.get("jaccard")
    table.add_row("Jaccard (both / either)", "-" if jaccard is None else f"{jaccard:.3f}")
    out.print(table)


def render_key_values(out: Console, title: str, values: dict[str, Any]) -> None:
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("")
    table.add_column("", overflow="fold")
    for key, value in values.items():
        table.add_row(str(key).replace("_", " "), _cell(value))
    out.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return number(value, 2)
    if isinstance(value, int):
        return count(value)
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value[:10]) + (" ..." if len(value) > 10 else "")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in list(value.items())[:10])
    return "-" if value is None else str(value)


def render_library(out: Console, infos: list[SavedSegmentInfo]) -> None:
    if not infos:
        out.print("No saved segments yet. Save one with "
                  "`segment segments save NAME --from FILE.yaml --data FILE`.")
        return
    table = Table(title="Saved segments", title_justify="left")
    for header in ("Name", "Customers", "Saved", "Data", "Notes"):
        table.add_column(header, justify="right" if header == "Customers" else "left",
                         overflow="fold")
    for info in infos:
        if info.problem:
            table.add_row(info.name, "-", "-", "-", f"[red]cannot read:[/red] {info.problem}")
            continue
        table.add_row(info.name, count(info.size),
                      (info.refreshed_at or info.saved_at)[:16].replace("T", " "),
                      info.source, info.notes)
    out.print(table)


def render_saved(out: Console, saved: SavedSegment, description: str) -> None:
    info = saved.info
    out.print(f"[bold]{info.name}[/bold]: {description}")
    if info.notes:
        out.print(f"Notes: {info.notes}")
    when = (info.refreshed_at or info.saved_at)[:16].replace("T", " ")
    source = f" from {info.source}" if info.source else ""
    out.print(f"{count(info.size)} customers when saved{source} ({when} UTC)")
    out.print(f"File: {info.path}")


def render_refresh(out: Console, report: RefreshReport) -> None:
    change = report.after - report.before
    out.print(f"[bold]{report.name}[/bold]: {count(report.before)} -> {count(report.after)} "
              f"customers ({'+' if change >= 0 else ''}{change:,})")
    for what, ids in (("Joined", report.joined), ("Left", report.left)):
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10:,} more" if len(ids) > 10 else "")
        out.print(f"  {what}: {count(len(ids))}" + (f" ({shown})" if ids else ""))


def _measure_value(measure: dict[str, Any], key: str, currency: str | None) -> str:
    return measure_value(measure, key, number, percent, lambda v: money(v, currency))


def render_profile(out: Console, label: str, result: dict[str, Any],
                   currency: str | None, *, show_all: bool = False) -> None:
    out.print(f"[bold]{label}[/bold]: {count(result['size'])} customers "
              f"({percent(result['share_of_customers'])} of {count(result['base_size'])})"
              + (f", {percent(result['revenue_share'])} of revenue"
                 if result.get("revenue_share") is not None else ""))
    if not result["size"]:
        out.print("No customer is in this segment, so there is nothing to profile.")
        return
    if result["measures"]:
        shown = telling(result["measures"], None if show_all else TELLING)
        hidden = len(result["measures"]) - len(shown)
        more = f"; {hidden} more with --all" if hidden else ""
        table = Table(title="Behaviour and measures, most different first (index 100 = the "
                      f"whole base{more})", title_justify="left")
        table.add_column("Measure")
        for header in ("Segment mean", "Segment median", "Base mean", "Index"):
            table.add_column(header, justify="right")
        for m in shown:
            table.add_row(m["column"], _measure_value(m, "segment_mean", currency),
                          _measure_value(m, "segment_median", currency),
                          _measure_value(m, "base_mean", currency),
                          "-" if m["index"] is None else f"{m['index']:.0f}")
        out.print(table)
        for note in left_out_notes(shown):
            out.print(f"[dim]{note}[/dim]")
    if any(category["top"] for category in result["categories"]):
        table = Table(title="Most common values", title_justify="left")
        for header in ("Column", "Value", "In segment", "In base"):
            table.add_column(header, justify="right" if header.startswith("In") else "left")
        for category in result["categories"]:
            for position, share in enumerate(category["top"]):
                table.add_row(category["column"] if position == 0 else "", share["value"],
                              percent(share["segment_share"]), percent(share["base_share"]))
        out.print(table)


def render_comparison(out: Console, label_a: str, label_b: str, comparison: dict[str, Any],
                      overlap: dict[str, Any], currency: str | None) -> None:
    sizes = Table(title="Segments", title_justify="left")
    sizes.add_column("")
    for header in ("Customers", "Share of base", "Revenue share"):
        sizes.add_column(header, justify="right")
    for label, side in ((label_a, comparison["a"]), (label_b, comparison["b"])):
        sizes.add_row(label, count(side["size"]), percent(side["share_of_customers"]),
                      percent(side.get("revenue_share")))
    out.print(sizes)
    measures_b = {m["column"]: m for m in comparison["b"]["measures"]}
    if comparison["a"]["measures"]:
        table = Table(title="Average behaviour", title_justify="left")
        for header in ("Measure", label_a, label_b, "Base"):
            table.add_column(header, justify="left" if header == "Measure" else "right")
        for m in comparison["a"]["measures"]:
            other = measures_b.get(m["column"], {})
            table.add_row(m["column"], _measure_value(m, "segment_mean", currency),
                          _measure_value({**other, "role": m.get("role")}, "segment_mean",
                                         currency),
                          _measure_value(m, "base_mean", currency))
        out.print(table)
    if comparison["differences"]:
        table = Table(title="What differs most (standardised difference: 0.2 small, "
                      "0.5 medium, 0.8 large)", title_justify="left")
        for header in ("What", label_a, label_b, "Difference"):
            table.add_column(header, justify="left" if header == "What" else "right")
        for d in comparison["differences"]:
            if d["kind"] == "category":
                what, a, b = f"{d['column']} = {d['value']}", percent(d["a"]), percent(d["b"])
            else:
                role = next((m.get("role") for m in comparison["a"]["measures"]
                             if m["column"] == d["column"]), None)
                what = d["column"]
                a = _measure_value({"a": d["a"], "role": role}, "a", currency)
                b = _measure_value({"b": d["b"], "role": role}, "b", currency)
            table.add_row(what, a, b, f"{d['standardised_difference']:+.2f}")
        out.print(table)
    render_overlap(out, label_a, label_b, overlap)


def render_cluster(out: Console, summary: dict[str, Any], currency: str | None) -> None:
    k = summary.get("k")
    features: list[str] = list(summary.get("features") or [])
    out.print(f"[bold]{k} clusters[/bold] of {count(summary.get('n_customers'))} customers"
              + (f" on {', '.join(features)}" if features else ""))
    if summary.get("reason"):
        out.print(f"Why {k}: {summary['reason']}")
    clusters = summary.get("clusters") or []
    table = Table(title="Clusters, each with a rule that approximates it", title_justify="left")
    for header in ("#", "Name", "Customers", "Share", "Rule", "Rule precision", "Rule recall"):
        table.add_column(header, overflow="fold",
                         justify="left" if header in ("Name", "Rule") else "right")
    for c in clusters:
        table.add_row(str(c.get("id", "")), str(c.get("name", "")), count(c.get("size")),
                      percent(c.get("share")), str(c.get("rule_text") or ""),
                      percent(c.get("rule_precision"), 0), percent(c.get("rule_recall"), 0))
    out.print(table)
    out.print("Rule precision: share of the customers the rule selects that are in the cluster; "
              "recall: share of the cluster the rule selects.")
    base = summary.get("base_means") or {}
    shown = [f for f in features if f in base][:6]
    if shown and clusters:
        means = Table(title="Averages per cluster", title_justify="left")
        means.add_column("")
        for feature in shown:
            means.add_column(feature, justify="right")
        for c in clusters:
            values = c.get("means") or {}
            means.add_row(f"{c.get('id', '')} {c.get('name', '')}",
                          *(_feature_value(f, values.get(f), currency) for f in shown))
        means.add_row("all customers", *(_feature_value(f, base.get(f), currency) for f in shown))
        out.print(means)


def _feature_value(feature: str, value: Any, currency: str | None) -> str:
    return money(value, currency) if feature == "monetary" else number(value)
