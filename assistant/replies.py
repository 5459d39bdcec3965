"""Plain-text replies composed from tool results, the same whatever backend chose the tools.

Every number in a reply comes from a `ToolResult`; nothing here computes. The fixed
wording is data, one file per language (`reply_phrases/en.yaml`, `zh.yaml`, `ru.yaml`);
`language` is the request's ("en", "zh", "ru"; anything else reads as English).
"""

from __future__ import annotations

from typing import Any

from assistant.figure_replies import figures_lines

# Re-exported: callers read the wording through this module as before.
from assistant.reply_words import (
    ReplyPhrases as ReplyPhrases,
)
from assistant.reply_words import (
    ReplyWords as ReplyWords,
)
from assistant.reply_words import (
    number as number,
)
from assistant.reply_words import (
    reply_phrases as reply_phrases,
)
from tools.engine.wording import fill, phrasing
from tools.measure_view import measure_value, telling
from tools.tool_result import ToolResult

_COLUMNS_SHOWN = 20  # a data summary names its columns, up to this many


def options_line(options: list[str], *, language: str = "en") -> str:
    """" Did you mean: a, b?" (at most 8 options), or nothing when there are none."""
    if not options:
        return ""
    w = ReplyWords(language)
    return w.say("did_you_mean", options=w.phrases.list_sep.join(options[:8]))


def clarification_reply(text: str, options: list[str], *, language: str = "en") -> str:
    if options and not any(o in text for o in options[:3]):
        return text + options_line(options, language=language)
    return text


def _segment_share(summary: dict[str, Any], total: int | None) -> float | None:
    """The segment's share of `total`, the base its line names. The summary's share is
    rounded to 4 places, and a second rounding to one decimal place can be off (66 of 657
    is 10.046%: 0.1005 would read 10.1%), so it is taken from the size where it can be."""
    size = summary.get("size")
    if total and isinstance(size, int):
        return size / total
    share = summary.get("share")
    return float(share) if isinstance(share, (int, float)) else None


def _segment_lines(summary: dict[str, Any], total: int | None, w: ReplyWords) -> list[str]:
    size = summary.get("size", 0)
    values = {"customers": w.customers(size), "share": w.percent(_segment_share(summary, total)),
              "description": summary.get("description", "")}
    if total:
        line = w.say("segment_of_total", total=w.count(total), **values)
    else:
        line = w.say("segment", **values)
    lines = [line]
    if "revenue_share" in summary:
        lines.append(w.say("revenue", share=w.percent(summary["revenue_share"])))
    return lines


def rfm_title(summary: dict[str, Any], w: ReplyWords) -> str:
    """The RFM table's title: of all customers, or of the segment it was run within."""
    as_of = summary.get("as_of") or w.phrases.rfm_latest
    within = summary.get("within")
    if within is None:
        return w.say("rfm_title", as_of=as_of)
    return w.say("rfm_title_within", as_of=as_of, segment=w.name(within["segment"]),
                 customers=w.customers(within["size"]))


def _rfm_lines(summary: dict[str, Any], w: ReplyWords) -> list[str]:
    lines = [rfm_title(summary, w)]
    for row in summary.get("segments", []):
        lines.append(w.say("rfm_row", name=w.label(row["name"]),
                           customers=w.customers(row["customers"]),
                           share=w.percent(row.get("share")),
                           revenue=w.percent(row.get("revenue_share"))))
    return [*lines, *rfm_notes(summary, w)]


def rfm_notes(summary: dict[str, Any], w: ReplyWords) -> list[str]:
    """What the RFM table alone would hide: named segments whose customers are not recent
    at all (`quiet_but_ranked_recent`), and scores that customer ids decided (`RfmTies`)."""
    from tools.engine.rfm import TIE_NOTE_SHARE

    recency = {row["name"]: row.get("avg_recency") for row in summary.get("segments", [])}
    notes = [w.say("rfm_quiet", name=w.label(name), days=w.number(round(recency[name] or 0)))
             for name in summary.get("quiet", []) if name in recency]
    ties = summary.get("ties") or {}
    if summary.get("tie_rule") != "value" and ties.get("any_score", 0) > TIE_NOTE_SHARE:
        measure = max(("recency", "frequency", "monetary"), key=lambda m: ties.get(m) or 0)
        notes.append(w.say("rfm_ties", share=w.percent(ties["any_score"]),
                           measure=w.phrases.rfm_tie_measures[measure]))
    return notes


def _column(column: str, w: ReplyWords) -> str:
    """A measure's column as the reply's language names it: a log's computed feature in
    words in Chinese and Russian ("сумма покупок"), the data's own column as written."""
    return phrasing(w.language).column_name(column)


def _profile_lines(summary: dict[str, Any], w: ReplyWords) -> list[str]:
    segment = w.name(summary["segment"]) if "segment" in summary else w.phrases.the_segment
    lines = [w.say("profile_title", segment=segment,
                   customers=w.customers(summary.get("size", 0)),
                   share=w.percent(summary.get("share_of_customers")))]
    for measure in telling(summary.get("measures", []), 6):
        lines.append(w.say("profile_row", column=_column(measure["column"], w),
                           segment=measure_value(measure, "segment_mean", w.number, w.percent),
                           base=measure_value(measure, "base_mean", w.number, w.percent),
                           index=w.number(measure.get("index"))))
    return lines


def cluster_name(group: dict[str, Any], w: ReplyWords) -> str:
    """A cluster's name in the reply's language, from the parts the engine named it by;
    the engine's English name when the language has no word for a part."""
    parts = group.get("name_parts")
    words = w.phrases.cluster_words
    if w.language == "en" or parts is None or \
            any(part.get("key") not in words for part in parts):
        return str(group.get("name"))
    said = [fill(words[part["key"]], w.tight, subject=part.get("subject", ""))
            for part in parts] or [words["typical"]]
    name = w.phrases.list_sep.join(said)
    number = group.get("name_number")
    return f"{name} ({number})" if number else name


def cluster_heading(summary: dict[str, Any], w: ReplyWords) -> str:
    """"3 groups. <why this k>", or within the current segment."""
    within = summary.get("within")
    if within:
        return w.say("clusters_within", k=summary.get("k"),
                     customers=w.customers(within.get("size", 0)),
                     description=within.get("description", ""),
                     reason=k_reason(summary, w))
    return w.say("clusters", k=summary.get("k"), reason=k_reason(summary, w))


def k_reason(summary: dict[str, Any], w: ReplyWords) -> str:
    """Why this k, in the reply's language, from the engine's facts (`k_choice`): "k=6:
    highest silhouette (0.55) among k=2..8 on all 400 customers; next best k=3 (0.41)".
    A summary without them (an older session's) keeps the engine's English sentence."""
    facts = summary.get("k_choice")
    if not facts:
        return str(summary.get("reason", ""))
    customers = int(facts["customers"])
    where = (w.say("k_scored_all", customers=w.count(customers))
             if facts["scored_on"] == customers
             else w.say("k_scored_sample", customers=w.count(facts["scored_on"])))
    if facts["by_user"]:
        reason = w.say("k_by_user", k=facts["k"], silhouette=_score(facts["silhouette"], w),
                       where=where)
    else:
        low, high = facts["k_range"]
        reason = w.say("k_best", k=facts["k"], silhouette=_score(facts["silhouette"], w),
                       low=low, high=high, where=where)
        if facts.get("runner_up") is not None:
            reason += w.say("k_runner_up", k=facts["runner_up"],
                            silhouette=_score(facts["runner_up_silhouette"], w))
    if facts["fitted_on"] < customers:
        reason += w.say("k_fitted_sample", sample=w.count(facts["fitted_on"]),
                        customers=w.count(customers))
    return reason


def _score(value: float | None, w: ReplyWords) -> str:
    """A silhouette to two decimals, as the engine's sentence rounds it."""
    return w.phrases.not_available if value is None else w.style.localise(f"{value:.2f}")


def _cluster_lines(summary: dict[str, Any], w: ReplyWords) -> list[str]:
    lines = [cluster_heading(summary, w), *cluster_notes(summary, w)]
    for group in summary.get("clusters", []):
        size = group.get("size", 0)
        lines.append(w.say("cluster_row", id=group.get("id"), name=cluster_name(group, w),
                           size=w.count(size), customers=w.customers(size),
                           rule=group.get("rule_text") or group.get("rule", "")))
    return lines


# Silhouette in words, as Kaufman & Rousseeuw read it: under 0.25 no real structure, 0.5
# and above a reasonable one.
_WEAK, _CLEAR = 0.25, 0.5


def cluster_notes(summary: dict[str, Any], w: ReplyWords) -> list[str]:
    """What a clustering grouped on, in words, and how distinct its groups are."""
    notes = []
    features = summary.get("features") or []
    if features:
        names = w.feature_names
        notes.append(w.say("cluster_features", features=w.phrases.list_sep.join(
            names.get(str(f), str(f)) for f in features)))
    quality = cluster_quality(summary)
    if quality is not None:
        notes.append(w.say(f"cluster_quality_{quality[0]}", score=w.number(quality[1])))
    return notes


def cluster_quality(summary: dict[str, Any]) -> tuple[str, float] | None:
    """("weak" | "moderate" | "clear", silhouette) of the chosen k, when it was scored."""
    chosen = next((row for row in summary.get("scores") or []
                   if row.get("k") == summary.get("k")), None)
    score = chosen.get("silhouette") if chosen else None
    if score is None:
        return None
    kind = "weak" if score < _WEAK else "clear" if score >= _CLEAR else "moderate"
    return kind, round(float(score), 2)


def _compare_lines(summary: dict[str, Any], w: ReplyWords) -> list[str]:
    name_a, name_b = summary.get("names", ["A", "B"])
    lines = [w.say("compare_title", name_a=w.name(name_a), name_b=w.name(name_b),
                   customers_a=w.customers(summary.get("a", {}).get("size", 0)),
                   customers_b=w.customers(summary.get("b", {}).get("size", 0)))]
    for item in summary.get("differences", [])[:5]:
        if item.get("value") is None:
            what = _column(item["column"], w)
            shown_a, shown_b = w.number(item.get("a")), w.number(item.get("b"))
        else:
            what = w.say("compare_share", column=_column(item["column"], w),
                         value=item["value"])
            shown_a, shown_b = w.percent(item.get("a")), w.percent(item.get("b"))
        lines.append(w.say("compare_row", what=what, a=shown_a, b=shown_b))
    both = summary.get("overlap", {}).get("both")
    if both is not None:
        lines.append(w.say("compare_both", customers=w.customers(both)))
    return lines


def _overlap_lines(summary: dict[str, Any], w: ReplyWords) -> list[str]:
    return [w.say("overlap", a=w.name(summary["a"]), b=w.name(summary["b"]),
                  both=w.count(summary.get("both", 0)),
                  only_a=w.count(summary.get("only_a", 0)),
                  only_b=w.count(summary.get("only_b", 0)),
                  jaccard=w.style.localise(f"{summary.get('jaccard', 0):.2f}"))]


def _predict_lines(summary: dict[str, Any], w: ReplyWords) -> list[str]:
    lines = [w.say("predicted", end=summary["calibration_end"], days=summary["horizon_days"],
                   customers=w.customers(summary["likely_to_buy"]),
                   lapsed=w.count(summary["probably_lapsed"]),
                   purchases=w.number(summary["expected_purchases"]))]
    if summary.get("expected_value") is not None:
        lines.append(w.say("predicted_value", value=w.number(summary["expected_value"])))
    check = summary.get("holdout")
    if check:
        lines.append(w.say("predicted_holdout", days=check["days"], end=summary["calibration_end"],
                           predicted=w.number(check["predicted_repeat_purchases"]),
                           actual=w.count(check["actual_repeat_purchases"])))
    return lines


def _failure_lines(result: ToolResult, w: ReplyWords) -> list[str]:
    summary = result.summary
    if result.tool == "define_segment" and summary.get("size") == 0 and "description" in summary:
        text = w.say("no_match", description=summary["description"])
        if "\n" in text or "\r" in text:  # one line, as the toolkit keeps its messages
            text = " ".join(text.split())
    else:
        text = w.tool_message(result)
    if any(option in text for option in result.options[:3]):
        return [text]  # the message names them already
    return [text + options_line(result.options, language=w.language)]


def result_lines(result: ToolResult, total: int | None = None, *,
                 language: str = "en") -> list[str]:
    w = ReplyWords(language)
    if result.tool == "undo":  # the toolkit's messages, in the request's language
        return [w.phrases.undone if result.ok else w.phrases.nothing_to_undo]
    if not result.ok:
        return _failure_lines(result, w)
    if result.tool == "reset":
        return [w.phrases.started_over]
    summary = result.summary
    if result.tool in ("define_segment", "load_segment"):
        return _segment_lines(summary, total, w)
    if result.tool == "run_rfm":
        return _rfm_lines(summary, w)
    if result.tool == "profile_segment":
        return _profile_lines(summary, w)
    if result.tool == "cluster":
        return _cluster_lines(summary, w)
    if result.tool == "compare_segments":
        return _compare_lines(summary, w)
    if result.tool == "compute_figures":
        return figures_lines(summary, language=w.language)
    if result.tool == "overlap_segments":
        return _overlap_lines(summary, w)
    if result.tool == "predict_traits":
        return _predict_lines(summary, w)
    if result.tool == "describe_data":
        columns = [str(c.get("name")) for c in summary.get("columns", [])]
        shown = w.phrases.list_sep.join(columns[:_COLUMNS_SHOWN]) + (
            "…" if len(columns) > _COLUMNS_SHOWN else "")
        return [w.say("data_summary", customers=w.customers(summary.get("customers", 0)),
                      columns=len(columns), names=shown),
                *(f"- {note}" for note in summary.get("notes", []))]
    if result.tool == "list_segments":
        names = [s.get("name", "?") for s in summary.get("segments", [])]
        return [w.say("saved", names=w.phrases.list_sep.join(names)) if names
                else w.say("no_saved")]
    return [w.tool_message(result)]


def compose_reply(results: list[ToolResult], total: int | None = None, *,
                  language: str = "en") -> str:
    """The reply lines for `results`; `total` is the base size ("87 customers (2.0% of 4,338)")."""
    lines: list[str] = []
    for result in results:
        lines.extend(result_lines(result, total, language=language))
    return "\n".join(lines) if lines else reply_phrases(language).done
