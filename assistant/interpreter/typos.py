"""Words typed wrong, or in another script, read as the words they mean.

A word one edit from exactly one known word is read as that word ("contry" as Country); a
Chinese character typed for another that sounds the same is corrected ("最进" as 最近); a
Latin value of the data written in Cyrillic ("Тойота") or in Chinese whose pinyin is that
value ("广东" for Guangdong) is found. Every reading is said in the reply.
"""

from __future__ import annotations

import re

from anyascii import anyascii

from assistant.interpreter.datalex import DataLexicon
from assistant.interpreter.lexicon import Lexicon
from assistant.interpreter.number_words import number_vocabulary, number_word
from assistant.interpreter.text import Token, is_russian_word

_CHINESE_RUN = re.compile("[\u3400-\u9fff]+")


def correct_typos(tokens: list[Token], lexicon: Lexicon, data: DataLexicon
                   ) -> list[tuple[str, str]]:
    """One edit from exactly one known word: read as that word (the reply says so)."""
    numbers = number_vocabulary()
    known = {**numbers, **lexicon.surfaces, **data.surfaces}
    notes: list[tuple[str, str]] = []
    for token in tokens:
        if token.kind != "word" or token.norm in data.norms or (
                token.norm in lexicon.norms and not _a_place(token.norm, lexicon)):
            continue
        latin = _transliterated(token, data)
        if latin is not None:  # "Лады" for Lada, "Шкоде" for Skoda, "广东" for Guangdong
            notes.append((token.text, data.spellings.get(latin, latin)))
            token.norm, token.corrected = data.surfaces[latin], True
            continue
        word = token.text.lower()
        if _known(token.norm, lexicon, data) or len(word) < 4 or not word.isalpha() or \
                _CHINESE_RUN.search(word) or number_word(word) is not None:
            continue
        if is_russian_word(word):
            continue  # "какая погода": weather, not "полгода"
        # A letter too many or two swapped is likelier than a wrong letter ("fourty" is
        # forty, not fourth): those edits are tried first.
        found = {v: known[v] for v in _edits(word, replace=False) if v in known}
        if len(set(found.values())) != 1:
            found = {v: known[v] for v in _edits(word) if v in known}
        if len(set(found.values())) == 1:
            meant, norm = sorted(found.items())[0]
            if _only_glue(norm, lexicon) and meant not in _swaps(word):
                continue  # "president" is not "resident": only "teh", "wiht" are glue
            notes.append((token.text, data.spellings.get(meant, meant)))
            token.norm, token.corrected = norm, True
            if meant in numbers:
                token.text = meant  # "fourty" is read as the number forty
    return notes


def pinyin_words(text: str, data: DataLexicon) -> frozenset[str]:
    """Two to four Chinese characters whose pinyin is a Latin word of the data, of five
    letters or more ("广东" for Guangdong, "四川" for Sichuan): kept whole when the text is cut."""
    runs = _CHINESE_RUN.findall(text)
    if not runs:
        return frozenset()
    return frozenset(
        piece for run in runs for size in (4, 3, 2) for i in range(len(run) - size + 1)
        if len(latin := anyascii(piece := run[i:i + size]).lower()) >= 5 and
        _written_in_latin(latin, data))


def _written_in_latin(word: str, data: DataLexicon) -> bool:
    """A word of the data as the data writes it in Latin letters ("Guangdong"), not the
    pinyin the data lexicon adds for a value written in Chinese ("guangdong" for 广东)."""
    return word in data.spellings


def _transliterated(token: Token, data: DataLexicon) -> str | None:
    """A Cyrillic word whose Latin spelling (anyascii) is, or is one edit from, exactly one
    Latin word of the data: a brand, a city or a region written in Russian ("Тойота",
    "Шкоде", "Татарстана"); Chinese whose pinyin is one ("广东")."""
    if _CHINESE_RUN.fullmatch(token.text):
        latin = anyascii(token.text).lower()
        return latin if len(latin) >= 5 and _written_in_latin(latin, data) else None
    if not re.fullmatch("[\u0400-\u04ff]+", token.text):
        return None

    spellings = {anyascii(form).lower().replace("'", "") for form in (token.norm, token.text)}
    found = {w for latin in spellings for w in ({latin} | (_edits(latin) if len(latin) > 4
                                                          else set()))
             if w in data.surfaces and w.isascii()}
    lemma = anyascii(token.norm).lower()
    if not found and lemma.endswith(("skiy", "skii")) and len(lemma) > 7:
        # A region's adjective ("Самарской области", "Свердловская"): its lemma "samarskiy"
        # is the place "Samara", "sverdlovskiy" is "Sverdlovsk".
        stem = lemma[:-2]
        found = {w for w in data.surfaces if w.isascii() and (
            w == stem or len(w) > 4 and w[:-1] == stem[:-2])}
    return found.pop() if len(found) == 1 else None


def chinese_typos(text: str, tokens: list[Token], known: frozenset[str], data: DataLexicon
                   ) -> tuple[str, list[tuple[str, str]]]:
    """"广冬" for 广东, "浙将" for 浙江, "最进" for 最近: one character typed for another that
    sounds the same (the slip of a pinyin keyboard), giving exactly one known word (a data
    value or a lexicon word). "京东" is no typo of 广东 (jing is not guang), and "南京" is a
    word, no typo of 北京."""
    # only characters the cut left alone: "再加上消费" holds no "上消"
    alone = {t.start for t in tokens if t.end - t.start == 1}
    if len(alone) < 2:
        return text, []
    by_mask: dict[str, list[str]] = {}
    for word in known:
        if 2 <= len(word) <= 4:
            for k in range(len(word)):
                by_mask.setdefault(word[:k] + "?" + word[k + 1:], []).append(word)
    notes: list[tuple[str, str]] = []
    for size in (4, 3, 2):
        for start in range(len(text) - size + 1):
            window = text[start:start + size]
            if window in known or not _CHINESE_RUN.fullmatch(window) or \
                    not all(start + k in alone for k in range(size)):
                continue
            # A character that is a word of its own ("十", "在") is no slip: "前百分之十的"
            # is not "是的", "不在北京" not "不再".
            close = {word for k in range(size) if window[k] not in known
                     for word in by_mask.get(window[:k] + "?" + window[k + 1:], ())
                     if _sounds_alike(window[k], word[k])}
            if len(close) == 1:
                meant = close.pop()
                text = text[:start] + meant + text[start + size:]
                notes.append((window, meant))
    return text, notes


def _sounds_alike(typed: str, meant: str) -> bool:
    return anyascii(typed).lower() == anyascii(meant).lower()


def _only_glue(norm: str, lexicon: Lexicon) -> bool:
    senses = lexicon.index.get((norm,), ())
    return bool(senses) and all(s.kind == "func" for s in senses)


def _swaps(word: str) -> set[str]:
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}


def _a_place(norm: str, lexicon: Lexicon) -> bool:
    """A word the lexicon knows only as a city or a place ("上海"): the data may write it in
    Latin letters (Shanghai), found by its pinyin."""
    senses = lexicon.index.get((norm,), ())
    return bool(senses) and all(s.kind in ("value_group", "place") for s in senses)


def _known(norm: str, lexicon: Lexicon, data: DataLexicon) -> bool:
    return norm in lexicon.norms or norm in data.norms


def _edits(word: str, replace: bool = True) -> set[str]:
    letters = "абвгдежзийклмнопрстуфхцчшщъыьэюя" if re.search("[\u0400-\u04ff]", word) \
        else "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    if not replace:
        return (deletes | swaps) - {word}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | swaps | replaces | inserts) - {word}

