"""The closed-class words of each language, as data (lexicons/en.yaml, zh.yaml, ru.yaml).

A lexicon file maps phrases to *senses*: language-neutral meanings such as
"comparator >", "time unit of 30 days", "the RFM segment Champions" or "the
command undo". All three files share one schema; their phrases are normalised
the way requests are (text.py), so "не меньше", "不少于" and "at least" all
become the sense `cmp >=`. Nothing here names a column or value of any
particular dataset: those words come from the data and its dictionary.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.interpreter.diskcache import versions_key, write_json
from assistant.interpreter.places import REQUEST_LOCALES, territory_names
from assistant.interpreter.text import fold, known_forms, norm_word, tokenize
from assistant.user_cache import cache_folder

LANGUAGES = ("en", "zh", "ru")


@dataclass(frozen=True)
class Sense:
    """One meaning of a phrase: `kind` names the grammar's word class, `arg` its value."""

    kind: str
    arg: Any = None


class LexiconFile(BaseModel):
    """The schema of one language's lexicon file: section -> phrases (or arg -> phrases)."""

    model_config = ConfigDict(extra="forbid")

    language: str
    # Words that carry no condition: articles, pronouns, polite verbs, particles.
    function_words: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    comparators: dict[str, list[str]] = Field(default_factory=dict)
    postfix_comparators: dict[str, list[str]] = Field(default_factory=dict)
    between: list[str] = Field(default_factory=list)
    range_joiners: list[str] = Field(default_factory=list)
    negation: list[str] = Field(default_factory=list)
    # Negations written after what they negate ("英国以外", "Германии кроме"? no: "除外").
    negation_after: list[str] = Field(default_factory=list)
    window: list[str] = Field(default_factory=list)
    ago: list[str] = Field(default_factory=list)
    # Comparators of time ("after 2013", "before June"): a year after them is a date.
    temporal: list[str] = Field(default_factory=list)
    # Words that before a month or date mean "since it" and nothing else there ("с сентября").
    since_date: list[str] = Field(default_factory=list)
    time_units: dict[int, list[str]] = Field(default_factory=dict)
    # Calendar periods up to the as-of date: "this year", "this month".
    periods: dict[str, list[str]] = Field(default_factory=dict)
    count_units: list[str] = Field(default_factory=list)
    measure_units: list[str] = Field(default_factory=list)
    generations: dict[str, list[str]] = Field(default_factory=dict)
    percent: list[str] = Field(default_factory=list)
    currency: list[str] = Field(default_factory=list)
    multipliers: dict[float, list[str]] = Field(default_factory=dict)
    numbers: dict[float, list[str]] = Field(default_factory=dict)
    decades: dict[int, list[str]] = Field(default_factory=dict)
    months: dict[int, list[str]] = Field(default_factory=dict)
    ordinals: dict[int, list[str]] = Field(default_factory=dict)
    conjunctions: dict[str, list[str]] = Field(default_factory=dict)
    clause_breaks: list[str] = Field(default_factory=list)
    # "for" before whom a command is for: "为法国客户推荐一个营销活动".
    beneficiary: list[str] = Field(default_factory=list)
    # Before a number, "the n-th": "第2组" is group 2, where "3组" alone counts groups.
    ordinal_prefixes: list[str] = Field(default_factory=list)
    # Words that make a question about these customers ("what is THE churn rate", "OUR
    # average order value") rather than about a term ("what is churn rate?").
    ours: list[str] = Field(default_factory=list)
    # The group a rate is taken in: "churn AMONG active clients" (before the group),
    # "活跃客户中的流失率" (after it).
    among: dict[str, list[str]] = Field(default_factory=dict)
    location: list[str] = Field(default_factory=list)
    rank: dict[str, list[str]] = Field(default_factory=dict)
    # Shares named by a word, in percent: "the top decile", "the bottom half".
    shares: dict[float, list[str]] = Field(default_factory=dict)
    rank_measures: dict[str, list[str]] = Field(default_factory=dict)
    # "mean" and "median" words ("below average", "above the median").
    average: dict[str, list[str]] = Field(default_factory=dict)
    # Comparatives with no number of their own, and "than": one column against another
    # ("MORE wine THAN meat", "余额比工资高").
    comparatives: dict[str, list[str]] = Field(default_factory=dict)
    than: list[str] = Field(default_factory=list)
    roles: dict[str, list[str]] = Field(default_factory=dict)
    activity: list[str] = Field(default_factory=list)
    inactivity: list[str] = Field(default_factory=list)
    presence: list[str] = Field(default_factory=list)
    concepts: dict[str, list[str]] = Field(default_factory=dict)
    value_groups: dict[str, list[str]] = Field(default_factory=dict)
    places: dict[str, list[str]] = Field(default_factory=dict)
    opposites: dict[str, list[str]] = Field(default_factory=dict)
    signs: dict[str, list[str]] = Field(default_factory=dict)
    quantifiers: dict[str, list[str]] = Field(default_factory=dict)
    rfm_scores: dict[str, list[str]] = Field(default_factory=dict)
    # Whole conditions on a role ("one-time buyers" -> "frequency == 1").
    fixed: dict[str, list[str]] = Field(default_factory=dict)
    rfm: dict[str, list[str]] = Field(default_factory=dict)
    lifecycle: dict[str, list[str]] = Field(default_factory=dict)
    # Predicted traits ("likely to buy again"): names in tools/predicted_meanings.yaml.
    predicted: dict[str, list[str]] = Field(default_factory=dict)
    # "the NEXT 90 days": a time ahead, the horizon of a predicted trait.
    ahead: list[str] = Field(default_factory=list)
    # A window word that before a bare number of years means past that age ("кому за 60").
    past_age: list[str] = Field(default_factory=list)
    # A campaign's goal, after whom it is for ("…для них, чтобы продать каско").
    purpose: list[str] = Field(default_factory=list)
    modes: dict[str, list[str]] = Field(default_factory=dict)
    intents: dict[str, list[str]] = Field(default_factory=dict)
    # Questions about the data: the statistic asked for ("median", "share of revenue"),
    # "which" before the column to break down by, and "versus" before what to set against.
    figures: dict[str, list[str]] = Field(default_factory=dict)
    commands: dict[str, list[str]] = Field(default_factory=dict)
    subjects: dict[str, list[str]] = Field(default_factory=dict)
    # Teaching the data dictionary: "use X as the order count", "'kids' means X".
    teach: dict[str, list[str]] = Field(default_factory=dict)
    knowledge_terms: list[str] = Field(default_factory=list)
    vague: dict[str, list[str]] = Field(default_factory=dict)
    intensifiers: dict[str, list[str]] = Field(default_factory=dict)
    abbreviations: dict[str, list[str]] = Field(default_factory=dict)
    # Time units a column's name writes short right after a number (orders_90d,
    # flights_last_12m, Contacts_Count_12_mon): days per unit.
    name_time_units: dict[str, int] = Field(default_factory=dict)
    # A lemma the analyser gives as often as another for the same forms ("самого" is сам as
    # often as самый): a phrase with the first stands with the second too.
    shared_lemmas: dict[str, str] = Field(default_factory=dict)
    # Endings of a column name's words and what stands in their place for the word a
    # request may use: "renewal" is met by "renewing" (al: ""), "пролонгирован" by
    # "пролонгации" (ировать: ация).
    name_endings: dict[str, str] = Field(default_factory=dict)
    # Chat spellings typed in lower case, read as the word ("u" you, "ur" your).
    shorthand: dict[str, str] = Field(default_factory=dict)
    messages: dict[str, str] = Field(default_factory=dict)
    # Requests offered as examples with help and greetings.
    examples: list[str] = Field(default_factory=list)


# Section -> the sense kind its phrases get. Sections that map an argument to phrases
# give that argument to the sense ("comparators: {'>': [over]}" -> Sense("cmp", ">")).
_LISTS = {"function_words": "func", "people": "people", "between": "between",
          "negation_after": "neg_after", "since_date": "since", "range_joiners": "range",
          "negation": "neg",
          "window": "window", "ago": "ago", "temporal": "temporal", "count_units": "count_unit",
          "measure_units": "measure_unit", "percent": "percent", "currency": "currency",
          "clause_breaks": "break", "location": "loc",
          "activity": "activity", "inactivity": "inactivity", "presence": "presence",
          "knowledge_terms": "knowledge", "ahead": "ahead", "past_age": "past_age",
          "purpose": "purpose", "than": "than"}
_MAPS = {"average": "average", "periods": "period", "generations": "generation",
         "comparators": "cmp", "postfix_comparators": "cmp_post", "time_units": "time_unit",
         "multipliers": "mult", "numbers": "number", "decades": "decade", "months": "month",
         "ordinals": "ordinal", "conjunctions": "conj", "rank": "rank", "shares": "share",
         "rank_measures": "rank_measure", "roles": "role", "concepts": "concept",
         "value_groups": "value_group", "places": "place", "fixed": "fixed", "rfm": "rfm",
         "opposites": "opposite", "signs": "sign", "quantifiers": "quantifier",
         "rfm_scores": "rfm_score",
         "lifecycle": "stage", "predicted": "predicted", "modes": "mode", "intents": "intent",
         "figures": "figure",
         "commands": "command", "subjects": "subject", "teach": "teach", "vague": "vague",
         "intensifiers": "intensifier", "comparatives": "comparative"}


class _WordLoader(yaml.CSafeLoader):
    """YAML where yes, no, on and off stay words (YAML 1.1 makes Norway's code "NO" false)."""


_WordLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()}


@cache
def lexicon_file(language: str) -> LexiconFile:
    text = _lexicon_text(language)
    return LexiconFile.model_validate(yaml.load(text, Loader=_WordLoader))  # noqa: S506


def phrase_norms(phrase: str) -> tuple[str, ...]:
    """A lexicon phrase as the tuple of norms a request would produce for it."""
    return tuple(t.norm for t in tokenize(phrase, known_cjk=(phrase,)) if t.kind != "punct")


@dataclass(frozen=True)
class Lexicon:
    """Every language's phrases in one index: norms -> senses (scripts never collide)."""

    index: dict[tuple[str, ...], tuple[Sense, ...]]
    chinese_words: frozenset[str]
    surfaces: dict[str, str]  # every spelling of a word in a phrase -> its norm (for typos)
    files: dict[str, LexiconFile]
    norms: frozenset[str]  # every norm inside any phrase

    def message(self, language: str, key: str, **values: Any) -> str:
        own = self.files.get(language)
        template = (own.messages.get(key) if own else None) or self.files["en"].messages[key]
        return template.format(**values)

    def shorthand(self, typed: str) -> str | None:
        """The word a chat spelling stands for ("ur" -> "your"), else None."""
        return next((f.shorthand[typed] for f in self.files.values() if typed in f.shorthand),
                    None)

    def is_beneficiary(self, item_text: str) -> bool:
        """"for", "为", "для": the word before whom a command is for."""
        return any(item_text.lower() == w.lower() for f in self.files.values()
                   for w in f.beneficiary)

    def is_ordinal_prefix(self, item_text: str) -> bool:
        return any(item_text.lower() == w.lower() for f in self.files.values()
                   for w in f.ordinal_prefixes)

    def among(self, item_text: str) -> str | None:
        """"before" for a word that opens the group a rate is taken in, "after" for one that
        closes it."""
        return next((side for f in self.files.values() for side, words in f.among.items()
                     if item_text.lower() in (w.lower() for w in words)), None)

    def is_ours(self, token_text: str) -> bool:
        return any(token_text.lower() == w.lower() for f in self.files.values() for w in f.ours)

    def examples(self, language: str) -> list[str]:
        own = self.files.get(language)
        return list((own.examples if own else None) or self.files["en"].examples)


@cache
def load_lexicon() -> Lexicon:
    """The compiled lexicons; kept compiled in the user's cache, since lemmatising every
    phrase takes a second and more (the key holds the files and the libraries' versions)."""
    texts = {language: _lexicon_text(language) for language in LANGUAGES}
    # The key also holds this module's text: a change in how phrases compile is a new index.
    compiler = Path(__file__).read_text(encoding="utf-8")
    path = cache_folder() / f"lexicon-{versions_key(''.join(texts.values()) + compiler)}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Lexicon(
            index={tuple(k): tuple(Sense(s[0], s[1]) for s in v) for k, v in raw["index"]},
            chinese_words=frozenset(raw["chinese"]), surfaces=raw["surfaces"],
            files={k: LexiconFile.model_validate(v) for k, v in raw["files"].items()},
            norms=frozenset(raw["norms"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    lexicon = _compile()
    known_forms().save()
    write_json(path, {"index": [[list(k), [[s.kind, s.arg] for s in v]] for k, v in
                            lexicon.index.items()],
                  "chinese": sorted(lexicon.chinese_words), "surfaces": lexicon.surfaces,
                  "files": {k: v.model_dump(mode="json") for k, v in lexicon.files.items()},
                  "norms": sorted(lexicon.norms)})
    return lexicon


def _lexicon_text(language: str) -> str:
    return resources.files("assistant.interpreter").joinpath(
        f"lexicons/{language}.yaml").read_text(encoding="utf-8")


def _compile() -> Lexicon:
    files = {language: lexicon_file(language) for language in LANGUAGES}
    index: dict[tuple[str, ...], list[Sense]] = defaultdict(list)
    chinese: set[str] = set()
    surfaces: dict[str, str] = {}
    for lexicon in files.values():
        for phrase, sense in _entries(lexicon):
            norms = phrase_norms(phrase)
            if not norms:
                continue
            shared = tuple(lexicon.shared_lemmas.get(n, n) for n in norms)
            for key in dict.fromkeys((norms, shared)):
                if sense not in index[key]:
                    index[key].append(sense)
            if lexicon.language == "zh":
                chinese.add(phrase)
            for word in re.findall(r"[^\W\d_]{3,}", phrase):
                surfaces.setdefault(word.lower(), norm_word(word))
    for code, names in territory_names(REQUEST_LOCALES).items():
        for name in names:
            norms = phrase_norms(name)
            if norms in index and norms != (fold(name),):
                continue  # an inflection of a lexicon word ("Того" is a form of "тот")
            if norms and Sense("place", code) not in index[norms]:
                index[norms].append(Sense("place", code))
            if re.search("[\u3400-\u9fff]", name):
                chinese.add(name)
    return Lexicon(index={k: tuple(v) for k, v in index.items()},
                   chinese_words=frozenset(chinese), surfaces=surfaces, files=files,
                   norms=frozenset(n for key in index for n in key))


def _entries(lexicon: LexiconFile) -> list[tuple[str, Sense]]:
    out: list[tuple[str, Sense]] = []
    for section, kind in _LISTS.items():
        out.extend((str(p), Sense(kind)) for p in getattr(lexicon, section))
    for section, kind in _MAPS.items():
        for arg, phrases in getattr(lexicon, section).items():
            out.extend((str(p), Sense(kind, arg)) for p in phrases)
    return out
