"""Raw text to tokens, the same way in English, Chinese and Russian.

Every word is reduced to a *norm* that the lexicons, column names and category
values share, so the grammar never sees a language: English words are
lemmatised (simplemma: "spent" -> "spend", "children" -> "child"), Russian
words too (pymorphy3: "Германии" -> "германия"), and Chinese text, which has no
spaces, is cut by longest match against the known words (lexicon entries, the
data's own names and values). Numbers come out as values: "5,000", "3k",
"1.5万", "两千", "двух тысяч", "twenty five".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from assistant.interpreter.diskcache import read_json, versions_key, write_json
from assistant.user_cache import cache_folder
from tools.engine.schema import Schema

MAX_CHARS = 2000
MAX_TOKENS = 200

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_CHINESE_ONLY = re.compile(f"[{_CJK}]+")
_ZH_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_APPROXIMATE = re.compile("([一二两三四五六七八九])([二三四五六七八九])([十百千万]*)")
_TOKEN = re.compile(
    r"(?P<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})\b)"
    rf"|(?P<num>\d+(?:[.,]\d+)*)"
    rf"|(?P<cjk>[{_CJK}]+)"
    # a word, with an apostrophe part ("o'neil") or a web domain ("Booking.com")
    rf"|(?P<word>[^\W\d_{_CJK}]+(?:['’][^\W\d_{_CJK}]+)?"
    r"(?:\.(?:com|net|org|io|co|de|ru|cn|uk|fr|es|it)(?![A-Za-z]))?)"
    r"|(?P<sym>>=|<=|=>|=<|==|[<>=≥≤+%$£€¥₽₹#-])"
    r"|(?P<punct>[,;:.!?()\[\]/&，、；：。！？（）])")
_CONTRACTIONS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\b(what|that|it|there|who|how|where|here)['’]s\b", re.I), r"\1 is"),
    # typed without the apostrophe ("whats our churn rate"); not "its", a word of its own
    (re.compile(r"\b(what|that|there|how|where|here)s\b", re.I), r"\1 is"),
    (re.compile(r"\b((?:[A-Za-z]\.){2,})", re.I), lambda m: m.group(1).replace(".", "")),
    (re.compile(r"\bcan['’]?t\b", re.I), "can not"),
    (re.compile(r"\bwon['’]t\b", re.I), "will not"),
    (re.compile(r"\b(\w+)n['’]t\b", re.I), r"\1 not"),
    (re.compile(r"\b(haven|hasn|hadn|didn|doesn|don|isn|aren|wasn|weren)t\b", re.I),
     lambda m: m.group(1)[:-1] + " not"),
    (re.compile(r"['’](?:s|re|ve|ll|d|m)\b", re.I), ""),
    # "14-Jan-25": a day, a month's name and a year (two digits: this century before 70)
    (re.compile(r"\b(\d{1,2})-([^\W\d_]{3,9})-(\d{2}|\d{4})\b"),
     lambda m: f"{m.group(1)} {m.group(2)} {_full_year(m.group(3))}"),
    (re.compile(r"\bw/o\b", re.I), "without"),
    (re.compile(r"\bb4\b", re.I), "before"),
    (re.compile(r"\bw/(?=\s)", re.I), "with"),
]


@dataclass
class Token:
    """One unit of a request: `norm` is what matching uses, `text` what the user typed."""

    text: str
    norm: str
    start: int
    end: int
    kind: str  # "word", "num", "sym", "punct"
    value: float | None = None  # numbers
    corrected: bool = False  # read as a known word one edit away (a typo)


def script_of(text: str, previous: str | None = None) -> str:
    """The language a message is written in (one rule for the interpreter, replies and
    knowledge answers); `previous` is the conversation's language, which decides ties."""
    from tools.knowledge.embedding import detect_language

    return detect_language(text, previous)


def language_of(text: str, previous: str | None, saved: Iterable[str], schema: Schema) -> str:
    """script_of, where names (saved segments, the data's values) say nothing of the
    language: "исключи Click&Collect" is Russian, "вернись к сегменту 东南高频" too."""
    names = [*saved, *(v for column in schema.columns for v in column.values)]
    unnamed = text
    for name in sorted((n for n in names if len(n) >= 2 and n in text), key=len, reverse=True):
        unnamed = unnamed.replace(name, " ")
    return script_of(unnamed if re.search(r"[^\W\d_]", unnamed) else text, previous)


def _full_year(year: str) -> int:
    value = int(year)
    return value if value > 99 else 2000 + value if value < 70 else 1900 + value


def clean(text: str) -> str:
    text = simplified(unicodedata.normalize("NFKC", str(text)[:MAX_CHARS]))
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = re.sub(r"(?<=\d)\s?[\u2012-\u2015\u2212]\s?(?=\d)", "-", text)  # "5–10": a range
    # A hyphen between letters joins words ("one-time", "non-UK"); between digits it is a range.
    return re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])|(?<=[^\W\d_]{2})-(?=\d)", " ", text)


@cache
def _to_simplified() -> Callable[[str], str]:
    # OpenCC's own tables: traditional characters and phrases (學員, 續費, 後來) in the
    # simplified forms the lexicons and most data use, one character for one.
    import opencc

    return opencc.OpenCC("t2s").convert


def simplified(text: str) -> str:
    """Chinese in simplified characters ("會員等級" -> "会员等级"); other text as it is."""
    return _to_simplified()(text) if _CHINESE_ONLY.search(text) else text


def fold(word: str) -> str:
    """Lower case without accents ("Éire" -> "eire"), ё as е, a curly apostrophe straight
    (GeoNames writes "Xi’an", data "Xi'an")."""
    word = word.lower().replace("ё", "е").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", word)
    if word.isascii() or not any(unicodedata.combining(c) for c in decomposed):
        return word
    if re.search("[\u0400-\u04ff]", word):  # й keeps its breve
        return word
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _english_lemmatizer() -> object:
    # Dictionary lookup only: an unknown word (a column name like "kidhome") stays itself
    # instead of being guessed at by suffix rules.
    from simplemma import Lemmatizer
    from simplemma.strategies import DictionaryLookupStrategy

    return Lemmatizer(lemmatization_strategy=DictionaryLookupStrategy())


def _english_lemma(word: str) -> str:
    return str(_english_lemmatizer().lemmatize(word, "en")).lower()  # type: ignore[attr-defined]


@cache
def _russian_analyser() -> object:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def is_russian_word(word: str) -> bool:
    """A word of the Russian dictionary ("погода"): a word of its own, not a typo of
    another ("полгода")."""
    if not re.search("[\u0400-\u04ff]", word):
        return False
    return bool(_russian_analyser().word_is_known(word.lower()))  # type: ignore[attr-defined]


class _KnownForms:
    """Words lemmatised before (in this run or an earlier one), so the dictionaries of the
    lemmatisers load only for words never seen."""

    def __init__(self) -> None:
        self.path = cache_folder() / f"norms-{versions_key()}.json"
        loaded = read_json(self.path)
        self.forms: dict[str, str] = loaded if isinstance(loaded, dict) else {}
        self.added = 0

    def save(self) -> None:
        if self.added:
            write_json(self.path, self.forms)
            self.added = 0


@cache
def known_forms() -> _KnownForms:
    return _KnownForms()


@cache
def norm_word(word: str) -> str:
    """The shared form of one word: an English or Russian lemma, or the word itself."""
    if re.fullmatch(r"[A-Z]{2,}s", word):
        word = word[:-1]  # "VIPs", "SMEs": the plural of an abbreviation
    low = fold(word)
    known = known_forms()
    if low in known.forms:
        return known.forms[low]
    form = _lemma(low)
    known.forms[low] = form
    known.added += 1
    return form


def _lemma(low: str) -> str:
    if re.search("[\u0400-\u04ff]", low):
        parsed = _russian_analyser().parse(low)  # type: ignore[attr-defined]
        return str(parsed[0].normal_form).replace("ё", "е") if parsed else low
    if low.isascii() and low.isalpha() and len(low) > 2:  # "CA" is no "can", "us" no "we"
        return _english_lemma(low)
    return low


def other_lemmas(word: str) -> set[str]:
    """The other dictionary forms a Russian word may have ("наличные": наличный as well),
    so a value meets every inflection of it ("наличными", "наличных")."""
    low = fold(word)
    if not re.fullmatch("[\u0400-\u04ff]+", low):
        return set()
    forms = {str(p.normal_form).replace("ё", "е")
             for p in _russian_analyser().parse(low)}  # type: ignore[attr-defined]
    return forms - {norm_word(word)}


def number_of(text: str) -> float | None:
    """A written number: "5,000", "1.5", "1,5" (Russian decimal comma)."""
    raw = text.replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", raw):
        raw = raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


def iso_date(written: str, day_first: bool = False) -> str:
    """A date as typed -> YYYY-MM-DD. Year first is year-month-day; "01.07.2025" (dots) is
    day first, as Russian and German write it; "03/04/2025" is month first unless the first
    number cannot be a month or the data writes its dates day first (the US reading
    otherwise; the reply shows the date it chose)."""
    parts = [int(p) for p in re.split(r"[-/.]", written)]
    if parts[0] > 31:
        year, month, day = parts
    else:
        day, month, year = parts if "." in written or parts[0] > 12 or (
            day_first and parts[1] <= 12) else \
            (parts[1], parts[0], parts[2])
        year += 0 if year > 99 else 2000 if year < 70 else 1900
    return f"{year:04d}-{month:02d}-{day:02d}"


def prepared(text: str) -> str:
    """The text tokens' offsets point into: cleaned, "5 000" (Russian style) as one number."""
    return re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)", "", clean(text))


def tokenize(text: str, known_cjk: Iterable[str] = ()) -> list[Token]:
    """Tokens of a request; Chinese runs are cut at the longest `known_cjk` words."""
    raw = prepared(text)
    vocabulary = known_cjk if isinstance(known_cjk, frozenset) else frozenset(known_cjk)
    longest = 0  # found on the first Chinese run: most phrases have none
    tokens: list[Token] = []
    for match in _TOKEN.finditer(raw):
        kind, piece, start = match.lastgroup or "", match.group(0), match.start()
        if kind == "cjk":
            longest = longest or max((len(w) for w in vocabulary), default=1)
            tokens.extend(_cut_chinese(piece, start, vocabulary, longest))
        elif kind == "date":
            tokens.append(Token(piece, iso_date(piece), start, match.end(), "date"))
        elif kind == "num":
            value = number_of(piece)
            tokens.append(Token(piece, piece, start, match.end(), "num", value))
        elif kind == "word":
            word = piece.replace("’", "'").split("'")[0]
            tokens.append(Token(piece, norm_word(word), start, match.end(), "word"))
        else:
            tokens.append(Token(piece, piece.replace("，", ",").replace("、", ","), start,
                                match.end(), kind))
        if len(tokens) >= MAX_TOKENS:
            break
    return _chinese_numbers(tokens)


def _cut_chinese(run: str, offset: int, vocabulary: frozenset[str], longest: int
                 ) -> list[Token]:
    """Longest match from the left; a numeral run is one token; an unknown character alone."""
    def known_at(j: int) -> int:
        return next((n for n in range(min(longest, len(run) - j), 0, -1)
                     if run[j:j + n] in vocabulary), 0)

    out: list[Token] = []
    i = 0
    while i < len(run):
        numeral = re.match(f"[{_ZH_NUMERAL}]+", run[i:])
        size = known_at(i)
        if size >= 2 and i + size < len(run) and not known_at(i + size):
            # "按年龄段": not "按年" and a stray "龄段" when a shorter cut leaves a longer word
            size = next((m for m in range(size - 1, 0, -1) if known_at(i + m) > size - m and (
                m == 1 or run[i:i + m] in vocabulary)), size)
        said = numeral.group(0) if numeral else ""
        if said and len(said) > size and (
                _zh_value(said) is not None or _APPROXIMATE.fullmatch(said)):
            size = len(said)
        size = size or 1
        piece = run[i:i + size]
        out.append(Token(piece, piece, offset + i, offset + i + size, "word"))
        i += size
    return out


def _zh_value(text: str) -> float | None:
    import cn2an

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _chinese_numbers(tokens: list[Token]) -> list[Token]:
    """"两千", "八万", "2千", "1.5万" -> one number token."""
    out: list[Token] = []
    for token in tokens:
        previous = out[-1] if out else None
        approximate = _approximate(token)
        if approximate:  # "两三千": two to three thousand, a range
            out.extend(approximate)
            continue
        if token.kind == "word" and re.fullmatch(f"[{_ZH_NUMERAL}]+", token.text):
            if previous is not None and previous.kind == "num" and previous.end == token.start \
                    and re.fullmatch("[十百千万亿]+", token.text):
                value = _zh_value(previous.text + token.text)
                if value is not None:
                    out[-1] = Token(previous.text + token.text, str(value), previous.start,
                                    token.end, "num", value)
                    continue
            value = _zh_value(token.text)
            if value is not None and not re.fullmatch("[十百千万亿]", token.text):
                out.append(Token(token.text, str(value), token.start, token.end, "num", value))
                continue
        out.append(token)
    return out


def _approximate(token: Token) -> list[Token]:
    """"两三千", "三五百", "七八十": two neighbouring digits before a unit are a range (a
    number, 到, a number); [] for anything else."""
    found = _APPROXIMATE.fullmatch(token.text)
    if token.kind != "word" or found is None:
        return []
    low, high = (_zh_value(found.group(n) + found.group(3)) for n in (1, 2))
    if low is None or high is None or not 0 < high - low <= low:
        return []
    at, end = token.start, token.end
    said = [found.group(n) + found.group(3) for n in (1, 2)]  # "两千", "三千"
    return [Token(said[0], str(low), at, end, "num", low), Token("到", "到", at, end, "word"),
            Token(said[1], str(high), at, end, "num", high)]


def is_chinese(text: str) -> bool:
    """Text written in Chinese characters only (a word run together without spaces)."""
    return _CHINESE_ONLY.fullmatch(text) is not None
