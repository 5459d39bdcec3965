"""Columns that identify a person: emails, phone numbers, names, addresses, postcodes, and
free text that carries them.

Found by name ("E-mail", "Billing Name", "Zip", "客户姓名", "Телефон") when the values fit,
and by the values themselves whatever the name: 80% emails or phone numbers, people's
names ("Anna Schmidt", "王伟", "Петров Иван"), street addresses, postcodes of a shape no
other value has (SW1A 1AA, K1A 0B1), notes that mention an email or a phone number, and
free text that is nearly unique per row. Such columns get the PERSONAL role: never sent
to a language model, never offered as "did you mean", never profiled by value. The words
and names these checks use live in `personal_words.yaml`.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict

from tools.engine.naming import name_words, role_words
from tools.engine.schema import DType

_PERSONAL_SHARE = 0.8
_NAME_SHAPE_SHARE = 0.7  # of values shaped like a person's name
_GIVEN_NAME_SHARE = 0.3  # of those, starting (or ending) with a known given name
_UNIQUE_SHARE = 0.9  # free text this unique per row describes one person each
_VARIED_SHARE = 0.3
_ADDRESS_WORDS = 8
_NOTE_WORDS = 5  # words of a note: a sentence, not a label  # names of people vary from row to row
_MIN_UNIQUE_ROWS = 20
_CONTACT_SHARE = 0.01  # notes mentioning emails or phones, in at least this share ...
_MIN_CONTACT_VALUES = 2  # ... and at least this many values
_EMAIL_VALUE = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
_PHONE_VALUE = r"\+?[\d\s().-]{7,20}"
_EMAIL_IN_TEXT = r"[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,}"
_LONGEST_VALUE = 2000
_PHONE_IN_TEXT = r"(?<!\w)\+?\d[\d\s().-]{7,16}\d(?!\w)"
# Postcodes whose shape no other common value has: UK, Canada, Netherlands, US ZIP+4.
_POSTCODE_VALUE = (r"(?i)[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d"
                   r"|\d{4} ?[A-Z]{2}|\d{5}-\d{4}")
# A word of a name in any cased script: a capital, then letters, apostrophes or hyphens.
_NAME_WORD = r"[^\W\d_][^\W\d_'’-]*\.?"


class PersonalWords(BaseModel):
    """`personal_words.yaml`."""

    model_config = ConfigDict(extra="forbid")

    header_words: dict[str, list[str]]
    name_qualifiers: list[str]
    not_person_names: list[str]
    person_words: list[str]
    staff_words: list[str]
    staff_alone_words: list[str]
    header_parts: dict[str, list[str]]
    given_names: list[str]
    family_name_endings: list[str]
    chinese_family_names: str
    chinese_compound_family_names: list[str]
    street_words: list[str]
    street_marks: list[str]
    street_endings: list[str]


@cache
def personal_words() -> PersonalWords:
    text = resources.files("tools.engine").joinpath("personal_words.yaml").read_text(
        encoding="utf-8")
    return PersonalWords.model_validate(yaml.safe_load(text))


def personal_kind(name: str, series: pd.Series, dtype: DType) -> str | None:
    """"email", "phone", "name", "address", "postcode", "notes" (free text that mentions
    emails or phones) or "free text" (nearly unique per row) when the column identifies a
    person; None otherwise."""
    words = personal_words()
    word_set = set(name_words(name))
    kind = _personal_kind(name, series, dtype, word_set, words)
    # A sales rep's or account manager's name is the business's own, not a customer's: the
    # column stays an ordinary category ("revenue by rep"). Their email or phone stays hidden.
    if kind == "name" and says_staff(name, dtype):
        return None
    return kind


def says_staff(name: str, dtype: DType = DType.TEXT) -> bool:
    """Whether the column names a person on the seller's side: "SalesRep", "csm_owner",
    "account_manager", "客户经理", "负责人", "Менеджер", "Ответственный" (words in
    `personal_words.yaml`, other languages read through `column_words/`)."""
    words = personal_words()
    said = set(role_words(name)) | set(name_words(name))
    if said & set(words.staff_words):
        return True
    return dtype is DType.TEXT and bool(said) and said <= set(words.staff_alone_words)


def _personal_kind(name: str, series: pd.Series, dtype: DType, word_set: set[str],
                   words: PersonalWords) -> str | None:
    by_name = _kind_by_name(word_set, name, words)
    if by_name is not None:
        present = series.dropna()
        # "email_opt_in" (yes/no) or "email_count" (numbers) name a fact, not an address.
        if dtype is DType.TEXT or present.empty:
            return by_name
        if by_name in ("phone", "postcode") and dtype is DType.INTEGER and present.nunique() > 2:
            return by_name
        return None
    if dtype is not DType.TEXT:
        return None
    # The first 500 values, cut to a note's length: the patterns below scan each value, and
    # a megabyte cell would make them quadratic. Found without copying a long column whole.
    sample = _first_present(series, 500).astype(str).str.strip().str.slice(0, _LONGEST_VALUE)
    sample = sample[sample != ""]
    if sample.empty:
        return None
    return _kind_by_values(sample, word_set, words)


def _first_present(series: pd.Series, n: int) -> pd.Series:
    """The first `n` values that are not missing, looking at as little of `series` as it
    takes (a column with many missing values at its top is read further)."""
    size = n
    while True:
        found = series.head(size).dropna()
        if len(found) >= n or size >= len(series):
            return found.head(n)
        size *= 8


def _kind_by_values(sample: pd.Series, word_set: set[str], words: PersonalWords) -> str | None:
    if sample.str.fullmatch(_EMAIL_VALUE).mean() >= _PERSONAL_SHARE:
        return "email"
    digits = sample.str.count(r"\d")
    phone = sample.str.fullmatch(_PHONE_VALUE) & digits.between(7, 15) & sample.str.contains(
        r"[\s()+-]")
    if phone.mean() >= _PERSONAL_SHARE:
        return "phone"
    if sample.str.fullmatch(_POSTCODE_VALUE).mean() >= _PERSONAL_SHARE:
        return "postcode"
    if _looks_like_names(sample, words, person=bool(word_set & set(words.person_words))):
        return "name"
    if _looks_like_addresses(sample, words):
        return "address"
    spaced = sample.str.contains(r"\s")
    contact = sample.str.contains(_EMAIL_IN_TEXT) | (
        spaced & sample.str.contains(_PHONE_IN_TEXT))
    if int(contact.sum()) >= _MIN_CONTACT_VALUES and contact.mean() >= _CONTACT_SHARE:
        return "notes"
    # Notes written about each customer: sentences, nearly all different. Short unique
    # labels ("product number 17") are descriptions, not notes.
    sentences = sample.str.split().map(len) >= _NOTE_WORDS
    if (len(sample) >= _MIN_UNIQUE_ROWS and sentences.mean() >= 0.5
            and sample.nunique() >= _UNIQUE_SHARE * len(sample)):
        return "free text"
    return None


def _looks_like_names(sample: pd.Series, words: PersonalWords, *, person: bool) -> bool:
    """People's names: two or three capitalised words with a known given name first or last
    ("Anna Schmidt", "Schmidt, Anna", "Петров Иван"), or a Chinese family name and one or
    two characters ("王伟"). Unknown names count when they are nearly all different, as
    customers' names are, or when the column names a person ("Contact")."""
    # Cities and stores repeat across customers ("武汉", "San Jose"); people's names vary,
    # except in a column that names a person.
    varied = person or sample.nunique() >= _VARIED_SHARE * len(sample)
    if _chinese_names(sample, words).mean() >= _NAME_SHAPE_SHARE:
        return varied
    plain = sample.str.replace(",", " ", regex=False).str.split()
    shaped = plain.map(lambda parts: 2 <= len(parts) <= 3 and all(
        _is_name_word(p) for p in parts))
    if shaped.mean() < _NAME_SHAPE_SHARE:
        return False
    given = set(words.given_names)
    endings = tuple(words.family_name_endings)
    known = plain[shaped].map(lambda parts: parts[0].casefold().rstrip(".") in given
                              or parts[-1].casefold() in given
                              or parts[0].casefold().endswith(endings))
    if known.mean() >= _GIVEN_NAME_SHARE and varied or person:
        return True
    return bool(sample.nunique() >= _UNIQUE_SHARE * len(sample) >= _MIN_UNIQUE_ROWS)


def _is_name_word(word: str) -> bool:
    return bool(re.fullmatch(_NAME_WORD, word)) and word[0].isupper() and not (
        len(word) > 3 and word.isupper())  # "ACME", "GOLD": codes, not names


def _chinese_names(sample: pd.Series, words: PersonalWords) -> pd.Series:
    single = "".join(words.chinese_family_names)
    compound = "|".join(words.chinese_compound_family_names)
    pattern = rf"(?:{compound})[\u4e00-\u9fff]{{1,2}}|[{single}][\u4e00-\u9fff]{{1,2}}"
    return sample.str.fullmatch(pattern)


def _looks_like_addresses(sample: pd.Series, words: PersonalWords) -> bool:
    """Street addresses: a number and a street word ("12 Baker Street", "ул. Ленина, 3",
    "中山路88号") in most values."""
    street = {w.casefold() for w in words.street_words}
    marks = tuple(words.street_marks)
    has_number = sample.str.contains(r"\d")
    tokens = sample.str.casefold().str.split(r"[\s,.;/#]+", regex=True)
    # An address is short; a sentence that mentions "the way" and a number is not one.
    short = tokens.map(len) <= _ADDRESS_WORDS
    endings = tuple(words.street_endings)
    named = tokens.map(lambda parts: any(p in street or p.endswith(endings) for p in parts)) | \
        sample.map(
        lambda value: any(mark in value for mark in marks))
    return bool((has_number & named & short).mean() >= _PERSONAL_SHARE)


def _kind_by_name(word_set: set[str], name: str, words: PersonalWords) -> str | None:
    header = words.header_words
    for kind in ("email", "phone", "postcode", "address", "name"):
        if word_set & set(header[kind]) and not (kind == "address" and word_set & {"ip", "mac"}):
            return kind
    if "name" in word_set and not word_set & set(words.not_person_names) and (
            len(word_set) == 1 or word_set & set(words.name_qualifiers)):
        return "name"
    folded = name.casefold()
    for kind, parts in words.header_parts.items():
        if any(part in folded for part in parts):
            return kind
    return None
