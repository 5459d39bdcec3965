"""Requests that name an action (save, export, cluster, compare, start over...) rather than
a segment. The patterns are data (`commands.yaml`); this module turns a match into a call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from assistant.interpreter.text import normalise
from assistant.interpreter.vocabulary import read_yaml

# Commands that can never be a segment request; the rest are tried after knowledge questions.
EARLY = ("help", "reset", "undo", "list_segments", "save_segment", "load_segment", "delete_segment",
         "export_segment", "describe_data")


@dataclass(frozen=True)
class CommandTable:
    prefix: re.Pattern[str]
    commands: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    current_words: frozenset[str]
    all_words: frozenset[str]
    cluster_within: re.Pattern[str]


@dataclass(frozen=True)
class CommandMatch:
    tool: str
    groups: dict[str, str]


@cache
def load_commands() -> CommandTable:
    text = resources.files("assistant.interpreter").joinpath("commands.yaml").read_text("utf-8")
    raw: dict[str, Any] = read_yaml(text)
    flags = re.IGNORECASE | re.DOTALL
    commands = tuple(
        (item["tool"], tuple(re.compile(p, flags) for p in item["patterns"]))
        for item in raw["commands"])
    return CommandTable(
        prefix=re.compile(re.sub(r"\s*\n\s*", "", raw["polite_prefix"]), flags),
        commands=commands,
        current_words=frozenset(" ".join(normalise(w).split()) for w in raw["current_words"]),
        all_words=frozenset(" ".join(normalise(w).split()) for w in raw["all_words"]),
        cluster_within=_any_phrase(raw["cluster_within_words"]))


def _any_phrase(phrases: list[str]) -> re.Pattern[str]:
    words = sorted((r"\s+".join(map(re.escape, p.split())) for p in phrases), key=len,
                   reverse=True)
    return re.compile(rf"\b(?:{'|'.join(words)})\b", re.IGNORECASE)


def clusters_within_segment(text: str, table: CommandTable) -> bool:
    """Does a clustering request name the current segment ("split them into groups")?"""
    return table.cluster_within.search(text) is not None


def clean_request(text: str, table: CommandTable) -> str:
    """Whitespace collapsed, polite openers and end punctuation removed; case kept."""
    text = " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').split())
    text = text.strip().rstrip("?.!;: ")
    previous = None
    while previous != text:
        previous = text
        text = table.prefix.sub("", text).strip().lstrip(",").strip()
    return text


def match_command(text: str, table: CommandTable, tools: tuple[str, ...] | None = None,
                  exclude: tuple[str, ...] = ()) -> CommandMatch | None:
    for tool, patterns in table.commands:
        if (tools is not None and tool not in tools) or tool in exclude:
            continue
        for pattern in patterns:
            m = pattern.fullmatch(text)
            if m is not None:
                groups = {k: v.strip() for k, v in m.groupdict().items() if v}
                return CommandMatch(tool=tool, groups=groups)
    return None


def clean_name(raw: str) -> str:
    """A segment name as typed: quotes, trailing 'segment' and articles removed."""
    name = raw.strip().strip("\"'`“”‘’").strip()
    name = re.sub(r"^(?:the|my|our|a|an)\s+", "", name, flags=re.IGNORECASE)
    name = re.sub(r"\s+(?:segment|group|customers)$", "", name, flags=re.IGNORECASE)
    return name.strip().strip("\"'`“”‘’").strip()


_FORMATS = {"csv": "csv", "excel": "xlsx", "xlsx": "xlsx", "xls": "xlsx", "spreadsheet": "xlsx",
            "parquet": "parquet", "pq": "parquet"}


def export_args(rest: str) -> dict[str, Any]:
    path_match = re.search(r"([\w\-./\\~]+\.(?:csv|parquet|xlsx|xls|pq))\b", rest, re.IGNORECASE)
    path = path_match.group(1) if path_match else None
    fmt = None
    if path:
        fmt = _FORMATS.get(path.rsplit(".", 1)[-1].lower())
    else:
        for word in re.findall(r"[a-z]+", rest.lower()):
            if word in _FORMATS:
                fmt = _FORMATS[word]
                break
    return {"path": path, "format": fmt}


_EXPORT_NOISE = re.compile(
    r"[\w\-./\\~]+\.(?:csv|parquet|xlsx|xls|pq)\b|\b(?:to|into|as|in|a|an|the|file|files|"
    r"csv|excel|xlsx|xls|parquet|pq|spreadsheet|format|list|them|it|this|these|those|that|"
    r"segment|current|please|all|of|for|me|ids|now)\b", re.IGNORECASE)


def export_subject(rest: str) -> str:
    """What an export names besides the file: 'the champions to a csv' -> 'champions'."""
    return " ".join(_EXPORT_NOISE.sub(" ", rest).split())


def cluster_k(groups: dict[str, str], number_words: dict[str, int], text: str) -> int | None:
    candidates = [groups.get("k", "")]
    m = re.search(r"\bk\s*=\s*(\d+)|\b(\w+)\s+(?:groups|clusters|segments|personas|buckets|tiers|"
                  r"types|categories)\b", text, re.IGNORECASE)
    if m:
        candidates.append(m.group(1) or m.group(2) or "")
    for c in candidates:
        c = c.strip().lower()
        if c.isascii() and c.isdigit():
            return int(c)
        if c in number_words and number_words[c] >= 2:
            return number_words[c]
    return None


def feature_phrases(rest: str) -> list[str]:
    """'by income and spending score' -> ['income', 'spending score']."""
    rest = re.sub(r"\bk\s*=\s*\d+|\b(?:with|into|in)?\s*\w+\s+(?:groups|clusters|segments|"
                  r"personas|buckets|tiers)\b", " ", rest, flags=re.IGNORECASE)
    m = re.search(r"\b(?:by|based on|using|on|from|according to|with|over|across)\s+(.+)$", rest,
                  re.IGNORECASE)
    if not m:
        return []
    body = re.sub(r"\b(?:their|the|features?|columns?|variables?)\b", " ", m.group(1),
                  flags=re.IGNORECASE)
    parts = re.split(r",|\band\b|&|/|\+|\bplus\b", body, flags=re.IGNORECASE)
    return [p.strip() for p in parts if p.strip()]
