"""Plain-text replies composed from tool results, the same whatever backend chose the tools.

Every number in a reply comes from a `ToolResult`; nothing here computes.
"""

from __future__ import annotations

from typing import Any

from tools.tool_summaries import customers
from tools.toolkit import ToolResult


def options_line(options: list[str]) -> str:
    return f" Did you mean: {', '.join(options[:8])}?" if options else ""


def clarification_reply(text: str, options: list[str]) -> str:
    if options and not any(o in text for o in options[:3]):
        return text + options_line(options)
    return text


def number(value: Any) -> str:
    """A figure for people: thousands separators, n/a when there is none."""
    if value is None:
        return "n/a"
    if isinstance(value, int | float):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _segment_lines(summary: dict[str, Any], total: int | None) -> list[str]:
    size = summary.get("size", 0)
    share = summary.get("share")
    base = f" of {total:,}" if total else ""
    lines = [f"{customers(size)} ({_percent(share)}{base}): {summary.get('description', '')}."]
    if "revenue_share" in summary:
        lines.append(f"They bring {_percent(summary['revenue_share'])} of revenue.")
    return lines


def _rfm_lines(summary: dict[str, Any]) -> list[str]:
    lines = [f"RFM segments (as of {summary.get('as_of') or 'the latest date'}):"]
    for row in summary.get("segments", []):
        share, revenue = _percent(row.get("share")), _percent(row.get("revenue_share"))
        lines.append(f"- {row['name']}: {customers(row['customers'])} ({share}, "
                     f"revenue {revenue})")
    return lines


def _profile_lines(summary: dict[str, Any]) -> list[str]:
    share = _percent(summary.get("share_of_customers"))
    lines = [f"Profile of {summary.get('segment', 'the segment')}: "
             f"{customers(summary.get('size', 0))} ({share})."]
    for measure in summary.get("measures", [])[:6]:
        lines.append(f"- {measure['column']}: average {number(measure.get('segment_mean'))} "
                     f"vs {number(measure.get('base_mean'))} overall "
                     f"(index {number(measure.get('index'))})")
    return lines


def _cluster_lines(summary: dict[str, Any]) -> list[str]:
    lines = [f"{summary.get('k')} groups. {summary.get('reason', '')}"]
    within = summary.get("within")
    if within:
        lines[0] = (f"{summary.get('k')} groups within the current segment "
                    f"({customers(within.get('size', 0))}: {within.get('description', '')}). "
                    f"{summary.get('reason', '')}")
    for group in summary.get("clusters", []):
        lines.append(f"- {group.get('id')}: {group.get('name')}: {group.get('size', 0):,} "
                     f"customers; rule: {group.get('rule_text') or group.get('rule', '')}")
    return lines


def _compare_lines(summary: dict[str, Any]) -> list[str]:
    name_a, name_b = summary.get("names", ["A", "B"])
    size_a = summary.get("a", {}).get("size", 0)
    size_b = summary.get("b", {}).get("size", 0)
    lines = [f"{name_a} ({customers(size_a)}) vs {name_b} ({customers(size_b)}), "
             "biggest differences first:"]
    for item in summary.get("differences", [])[:5]:
        what = item["column"] if item.get("value") is None else \
            f"{item['column']} = {item['value']} (share)"
        if item.get("value") is None:
            shown_a, shown_b = number(item.get("a")), number(item.get("b"))
        else:
            shown_a, shown_b = _percent(item.get("a")), _percent(item.get("b"))
        lines.append(f"- {what}: {shown_a} vs {shown_b}")
    both = summary.get("overlap", {}).get("both")
    if both is not None:
        lines.append(f"{customers(both)} in both.")
    return lines


def _overlap_lines(summary: dict[str, Any]) -> list[str]:
    return [f"{summary['a']} and {summary['b']}: {summary.get('both', 0):,} in both, "
            f"{summary.get('only_a', 0):,} only in {summary['a']}, "
            f"{summary.get('only_b', 0):,} only in {summary['b']} "
            f"(Jaccard {summary.get('jaccard', 0):.2f})."]


def result_lines(result: ToolResult, total: int | None = None) -> list[str]:
    if not result.ok:
        return [result.message + options_line(result.options)]
    summary = result.summary
    if result.tool in ("define_segment", "load_segment"):
        return _segment_lines(summary, total)
    if result.tool == "run_rfm":
        return _rfm_lines(summary)
    if result.tool == "profile_segment":
        return _profile_lines(summary)
    if result.tool == "cluster":
        return _cluster_lines(summary)
    if result.tool == "compare_segments":
        return _compare_lines(summary)
    if result.tool == "overlap_segments":
        return _overlap_lines(summary)
    if result.tool == "list_segments":
        names = [s.get("name", "?") for s in summary.get("segments", [])]
        return [f"Saved segments: {', '.join(names)}." if names else "No saved segments yet."]
    return [result.message]


def compose_reply(results: list[ToolResult], total: int | None = None) -> str:
    lines: list[str] = []
    for result in results:
        lines.extend(result_lines(result, total))
    return "\n".join(lines) if lines else "Done."
