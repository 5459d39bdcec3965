"""Tokens to items: each span of a request with every meaning it can have.

An item is a span of tokens with its senses, from the language lexicons and
from the data (columns, values, places). Where a data name and another phrase
overlap ("two year" as a contract value, or as a number and a unit), each way
of cutting the request is kept as its own reading; the grammar scores them.
A word nobody knows that is one edit away from exactly one known word is read
as that word, and the reply says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from assistant.interpreter.datalex import DataLexicon
from assistant.interpreter.lexicon import Lexicon, Sense
from assistant.interpreter.number_words import number_phrase, number_word
from assistant.interpreter.text import Token, iso_date, norm_word, prepared, tokenize
from assistant.interpreter.typos import chinese_typos, correct_typos, pinyin_words

MAX_PHRASE = 6
MAX_READINGS = 8
_DATA_KINDS = frozenset({"column", "value", "place"})


@dataclass
class Item:
    start: int
    end: int
    senses: tuple[Sense, ...]
    text: str
    value: float | None = None  # numbers
    tokens: list[Token] = field(default_factory=list)

    @property
    def corrected(self) -> bool:
        """Read from a typo ("погода" as "полгода"): kept only where a clause uses it."""
        return any(t.corrected for t in self.tokens)

    def sense(self, *kinds: str) -> Sense | None:
        return next((s for s in self.senses if s.kind in kinds), None)

    def args(self, kind: str) -> list[object]:
        return [s.arg for s in self.senses if s.kind == kind]

    def has(self, *kinds: str) -> bool:
        return any(s.kind in kinds for s in self.senses)

    @property
    def filler(self) -> bool:
        """Only glue between the words of one phrase ("number OF orders", "kids AT home")."""
        return bool(self.senses) and all(  # "к нам": "к" multiplies only after a number
            s.kind in ("func", "loc", "range", "quantifier", "between", "teach", "mult")
            for s in self.senses) and not all(s.kind == "mult" for s in self.senses)

    @property
    def is_word_like(self) -> bool:
        return bool(self.tokens) and all(t.kind == "word" for t in self.tokens)

    @property
    def only_function(self) -> bool:
        """Carries no content of its own (an article, a pronoun, a polite verb)."""
        return bool(self.senses) and all(s.kind in ("func", "punct", "teach")
                                         for s in self.senses)


@dataclass
class Tagged:
    tokens: list[Token]
    readings: list[list[Item]]
    typos: list[tuple[str, str]]


def tag(text: str, lexicon: Lexicon, data: DataLexicon) -> Tagged:
    raw = prepared(text)
    known = lexicon.chinese_words | data.chinese_words | pinyin_words(raw, data)
    tokens = tokenize(text, known)
    # a corrected character keeps its place, so the tokens' offsets hold
    fixed, miswritten = chinese_typos(raw, tokens, known, data)
    if miswritten:
        tokens = tokenize(fixed, known)
    tokens = _joined(tokens, lexicon, data)
    for token in tokens if data.day_first else ():
        if token.kind == "date":
            token.norm = iso_date(token.text, day_first=True)  # as the data writes its dates
    for token in tokens:
        meant = lexicon.shorthand(token.text) if token.kind == "word" else None
        if meant is not None and token.norm not in data.norms:
            token.norm = norm_word(meant)  # "how's ur day going": your day
    typos = miswritten + correct_typos(tokens, lexicon, data)
    options = [_matches(tokens, i, lexicon, data) for i in range(len(tokens))]
    readings = list(_segmentations(tokens, options))
    return Tagged(tokens=tokens, readings=readings or [[]], typos=typos)


def _matches(tokens: list[Token], i: int, lexicon: Lexicon, data: DataLexicon
             ) -> list[tuple[int, tuple[Sense, ...]]]:
    """(length, senses) of every known phrase starting at token i, longest first."""
    found: list[tuple[int, tuple[Sense, ...]]] = []
    for size in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
        span = tokens[i:i + size]
        if size > 1 and any(t.kind == "punct" and t.norm not in (",", "/") for t in span):
            continue
        key = tuple(t.norm for t in span)
        # "n/a", "24/7" typed together: the data's value, whose words are kept without the slash
        joined = tuple(t.norm for t in span if t.norm != "/") if size > 2 and all(
            a.end == b.start for a, b in zip(span, span[1:], strict=False)) else key
        senses = list(lexicon.index.get(key, ())) + [
            s for s in data.index.get(key, ()) or data.index.get(joined, ())
            if _data_sense_fits(s, span, lexicon)]
        if data.is_log and any(s.kind == "activity" for s in senses):
            # "enrolled": joining, and in an order log a purchase (each line is one)
            senses = [s for s in senses if not (s.kind == "role" and s.arg == "tenure")]
        if any(s.kind in ("value", "value_group") for s in senses) and \
                _a_time(tokens, i, size, lexicon):
            senses = [s for s in senses if s.kind not in ("value", "value_group")]
        if span[0].kind == "num":  # "in 2 years" is a time where no contract lasts two years
            senses = [s for s in senses if s.kind != "value_group" or
                      data.group_values.get(str(s.arg))]
        if not senses and size > 2 and span[0].kind != "punct" != span[-1].kind:
            # "которые, вероятно, ушли": a predicted trait around a parenthetical word.
            bare = tuple(t.norm for t in span if t.kind != "punct")
            if len(bare) < size:
                senses = [s for s in lexicon.index.get(bare, ()) if s.kind == "predicted"]
        senses = [s for s in senses if _alias_fits(s, span, lexicon)]
        if size == 1:
            senses.extend(_token_senses(span[0]))
        if senses:
            found.append((size, tuple(dict.fromkeys(senses))))
    return found


def _joined(tokens: list[Token], lexicon: Lexicon, data: DataLexicon) -> list[Token]:
    """"co-branded", "e mail": two words, the first one nothing knows, that together are
    one word of the data's names ("cobrand" of has_cobrand_card), read as that word."""
    out: list[Token] = []
    for token in tokens:
        before = out[-1] if out else None
        if before is not None and before.kind == token.kind == "word" and not (
                (before.norm,) in lexicon.index or before.norm in data.norms or
                token.norm in data.norms):
            joined = next((w for w in (before.text.lower() + token.norm,
                                       norm_word(before.text + token.text)) if w in data.norms),
                          None)
            if joined is not None:
                out[-1] = replace(before, text=f"{before.text}-{token.text}", norm=joined,
                                  end=token.end)
                continue
        out.append(token)
    return out


def _token_senses(token: Token) -> list[Sense]:
    if token.kind == "num" and token.value is not None:
        return [Sense("num", token.value)]
    if token.kind == "date":
        return [Sense("date", token.norm)]
    if token.kind == "punct":
        return [Sense("punct", token.norm)]
    if token.kind == "word" and token.text.isalpha():
        value = number_word(token.text.lower())
        if value is not None:
            return [Sense("num", value)]
    return []


def _data_sense_fits(sense: Sense, span: list[Token], lexicon: Lexicon) -> bool:
    """A data value written as a short code matches only when typed as the data writes it."""
    if sense.kind != "value":
        return True
    value = str(sense.arg[1]).strip()
    # "K12" is cut into K and 12: typed together, they are written together
    typed = "".join(t.text if j == 0 or span[j - 1].end == t.start else " " + t.text
                    for j, t in enumerate(span))
    letters = re.sub(r"\W", "", value)
    # a code ("IT", "NO", "CA"); two Chinese characters are a word ("广州" is Guangzhou)
    # (an alias typed in full, "California" for "CA", is no code)
    if len(letters) <= 3 and (value.isupper() or len(letters) <= 2) and \
            not re.search("[\u3400-\u9fff]", value) and len(re.sub(r"\W", "", typed)) <= 4:
        # "vip", "VIPs" for VIP; but "and", "can", "are" are never Andorra, Canada or the UAE
        loose = len(letters) == 3 and len(span) == 1 and not _is_function(span[0], lexicon)
        # "donors in tx": a word no lexicon knows is the code in any case ("in", "or", "me"
        # stay words)
        unknown = len(span) == 1 and not any(lexicon.index.get((t.norm,)) or lexicon.index.get(
            (t.text.lower(),)) for t in span)
        return typed == value or (loose or unknown or "/" in value) and typed.lower() in (
            value.lower(), value.lower() + "s")
    if len(span) == 1 and _is_function(span[0], lexicon):
        # "plus tier" for the value Plus: a joining word of four letters and more is the
        # data's value whatever its case; "no", "in", "with" only as the data writes them
        kinds = {s.kind for s in lexicon.index.get((span[0].norm,), ())}
        joining = kinds <= {"conj", "cmp", "cmp_post"} and len(letters) >= 4
        return typed == value or joining and typed.lower() == value.lower()
    return True


def _a_time(tokens: list[Token], i: int, size: int, lexicon: Lexicon) -> bool:
    """"2 years ago", "over 2 years": a number of years is a time there, not the value
    "Two year" of a contract column."""
    if tokens[i].kind != "num" and number_word(tokens[i].text.lower()) is None:
        return False
    keys: list[tuple[str, ...]] = [(tokens[j].norm,) for j in (i - 1, i + size)
                                   if 0 <= j < len(tokens)]
    if i >= 2:
        keys.append((tokens[i - 2].norm, tokens[i - 1].norm))  # "less than", "за последние"
    kinds = {s.kind for key in keys for s in lexicon.index.get(key, ())}
    return bool(kinds & {"ago", "cmp", "window", "between", "ahead", "temporal", "range"})


def _alias_fits(sense: Sense, span: list[Token], lexicon: Lexicon) -> bool:
    """Short words ("it", "no", "us", "in") never become values by an alias."""
    if sense.kind not in ("place", "value_group"):
        return True
    letters = "".join(t.text for t in span if t.kind == "word")
    if len(letters) >= 3 or re.search("[\u3400-\u9fff]", letters):
        return True
    return letters.isupper() or not any(_is_function(t, lexicon) for t in span)


def _is_function(token: Token, lexicon: Lexicon) -> bool:
    return any(s.kind in ("func", "neg", "loc", "conj", "intent", "break")
               for s in lexicon.index.get((token.norm,), ()))


def _segmentations(tokens: list[Token], options: list[list[tuple[int, tuple[Sense, ...]]]]
                   ) -> Iterator[list[Item]]:
    """Ways to cut the tokens into items, the longest-match one first."""
    results: list[list[Item]] = []

    def walk(i: int, done: list[Item]) -> None:
        if len(results) >= MAX_READINGS:
            return
        if i >= len(tokens):
            results.append(_values_over_glue(_merge_numbers(list(done))))
            return
        choices = options[i] or [(1, ())]
        if _misplaced_postfix(choices, tokens, i, done, options):
            choices = choices[1:]  # "и старше 40": "and" + "older than", not "40 and older"
        first_size = choices[0][0]
        # Shorter cuts are kept only where data names compete with other phrases, here or
        # starting inside the longest phrase ("a month" | "month-to-month").
        competing = any(_has_data(s) for _, s in choices) or any(
            _has_data(s) for j in range(i + 1, i + first_size) for _, s in options[j])
        if not options[i] and competing:
            choices = [(1, ())]
        if competing and choices[-1][0] > 1:
            choices = [*choices, (1, ())]  # the first word alone, with no phrase's meaning
        for rank, (size, senses) in enumerate(choices):
            if rank > 0 and not (competing or _has_data(senses)):
                continue
            if rank > 0 and size == first_size:
                continue
            span = tokens[i:i + size]
            done.append(Item(i, i + size, senses, _surface(span), _value(senses), span))
            walk(i + size, done)
            done.pop()

    walk(0, [])
    yield from results


def _misplaced_postfix(choices: list[tuple[int, tuple[Sense, ...]]], tokens: list[Token],
                       i: int, done: list[Item],
                       options: list[list[tuple[int, tuple[Sense, ...]]]]) -> bool:
    """A comparator said after its number ("40 and older"), here before one, with none
    before it, or with one that has its own comparator ("under 25 OR OVER 70", "younger than
    25 OR OLDER than 70"): read its words otherwise."""
    size, senses = choices[0]
    compared = len(done) > 1 and done[-1].value is not None and done[-2].has("cmp")
    # "or OLDER THAN 70": the phrase's last word starts a comparator going past it
    longer = i + size - 1 < len(options) and any(
        n > 1 and any(s.kind == "cmp" for s in ss) for n, ss in options[i + size - 1])
    before_number = i + size < len(tokens) and tokens[i + size].kind == "num"
    return len(choices) > 1 and any(s.kind == "cmp_post" for s in senses) and all(
        s.kind in ("cmp_post", "concept") for s in senses) and (
        before_number and (compared or not (done and done[-1].value is not None)) or
        longer and compared)


def _has_data(senses: tuple[Sense, ...]) -> bool:
    return any(s.kind in _DATA_KINDS for s in senses)


def _value(senses: tuple[Sense, ...]) -> float | None:
    return next((float(s.arg) for s in senses if s.kind == "num"), None)


def _surface(span: list[Token]) -> str:
    if not span:
        return ""
    text = span[0].text
    for previous, token in zip(span, span[1:], strict=False):
        text += ("" if token.start == previous.end else " ") + token.text
    return text


def _merge_numbers(items: list[Item]) -> list[Item]:
    """Runs of number words are one number: "twenty five" -> 25, "двух тысяч" -> 2000."""
    out: list[Item] = []
    for k, item in enumerate(items):
        previous = out[-1] if out else None
        if item.text.lower() == "and" and previous is not None and _is_number_word(previous) \
                and k + 1 < len(items) and _is_number_word(items[k + 1]) and \
                (previous.value or 0) >= 100 and (items[k + 1].value or 0) < 100 and not (
                k + 2 < len(items) and _is_number_word(items[k + 2]) and
                (items[k + 2].value or 0) >= 100):
            previous.tokens = previous.tokens + item.tokens  # "one hundred and twenty"
            continue
        if previous is not None and _is_number_word(previous) and _is_number_word(item):
            joined = previous.tokens + item.tokens
            value = number_phrase(" ".join(t.text.lower() for t in joined))
            if value is not None:
                out[-1] = Item(previous.start, item.end, (Sense("num", value),),
                               _surface(joined), value, joined)
                continue
        out.append(item)
    return out


def _values_over_glue(items: list[Item]) -> list[Item]:
    """"Basic or Plus members": a value of the data is that value, not "and" or "or more",
    unless it follows a number ("500 plus")."""
    out: list[Item] = []
    for item in items:
        glue = [s for s in item.senses if s.kind in ("conj", "cmp_post")]
        if glue and item.has("value") and not (out and out[-1].value is not None):
            item = replace(item, senses=tuple(s for s in item.senses if s not in glue))
        out.append(item)
    return out


def _is_number_word(item: Item) -> bool:
    return item.value is not None and all(t.kind == "word" for t in item.tokens)
