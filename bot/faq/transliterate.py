"""Latin letters for a language written in another script: "madrasa" for مدرسة, "shkola" for школа.

Families often type Arabic in Latin letters with digits for the sounds Latin lacks
(Arabizi: "3" for ع, "7" for ح), and Russian, Ukrainian or Mongolian in Latin
letters on a phone without their keyboard. The FAQ's questions are mostly in the
native script, so those words found nothing: measured on content/eval/, Latin-
letter messages got the right entry answered or offered for 72-77% (ar, ru, uk)
against 97% for the same languages in their own script.

Both sides are reduced to a rough key of how the word sounds, and a message word
in Latin letters that the FAQ does not know becomes the native word with the
same key. Spellings vary (sh/ch/š, ya/ia/ja; Arabic leaves short vowels out), so
a key keeps what spellings agree on:
- Cyrillic: transliterated, then spelling variants folded (shch/sch/sh -> s,
  ya/ia/ja -> a, y/j -> i, g/h -> h, doubled letters once).
- Arabic: consonants only (short vowels are not written in Arabic), و and ي only
  at the start of a word (elsewhere they are mostly long vowels), a final ه (ta
  marbuta, folded by bot/textnorm.py) left out, and letters Arabizi writes alike
  merged (ص/س, ط/ت, ض/ذ/د, ظ/ز, ج/غ).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from rapidfuzz import fuzz, process

BRIDGED = {"ar": "arabic", "ru": "cyrillic", "uk": "cyrillic", "mn": "cyrillic"}
FUZZY_CUTOFF = 85  # between keys of Cyrillic-language words: one letter in about seven
MIN_KEY = 2  # shorter keys ("fi", "ma") are too common to tell words apart

_CYRILLIC_TO_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "yo",
    "є": "ye", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ө": "o", "ү": "u",
})


def _replacer(pairs: list[tuple[str, str]]) -> Callable[[str], str]:
    """One pass over a word: each pair's spelling becomes its key letters. The regex tries
    the pairs in order, so longer spellings come first ("shch" before "sh")."""
    table = dict(pairs)
    pattern = re.compile("|".join(re.escape(spelling) for spelling, _ in pairs))
    return lambda word: pattern.sub(lambda m: table[m.group()], word)


_fold_latin = _replacer([
    ("shch", "s"), ("sch", "s"), ("sh", "s"), ("zh", "z"), ("ch", "c"), ("kh", "h"), ("ts", "c"),
    ("tz", "c"), ("x", "h"), ("ya", "a"), ("ia", "a"), ("ja", "a"), ("yu", "u"), ("iu", "u"),
    ("ju", "u"), ("yo", "o"), ("jo", "o"), ("ye", "e"), ("je", "e"), ("y", "i"), ("j", "i"),
    ("w", "v"), ("g", "h")])
_DOUBLED = re.compile(r"(.)\1+")

_ARABIC_KEY = str.maketrans({
    "ب": "b", "ت": "t", "ط": "t", "ث": "t", "ج": "j", "غ": "j", "ح": "h", "ه": "h",
    "خ": "x", "د": "d", "ض": "d", "ذ": "d", "ز": "z", "ظ": "z", "ر": "r", "س": "s",
    "ص": "s", "ش": "c", "ع": "3", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m",
    "ن": "n", "و": "w", "ي": "y", "ا": "", "ء": "", "ئ": "", "ؤ": "",
})
# Arabizi: digits for the sounds Latin lacks, digraphs first.
_fold_arabizi = _replacer([
    ("sh", "c"), ("ch", "c"), ("kh", "x"), ("gh", "j"), ("th", "t"), ("dh", "d"), ("3", "3"),
    ("7", "h"), ("5", "x"), ("9", "q"), ("2", ""), ("6", "t"), ("8", "j"), ("g", "j"), ("c", "k"),
    ("p", "b"), ("v", "f"), ("e", ""), ("a", ""), ("i", ""), ("o", ""), ("u", "")])
_LATIN_WORD = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")
_NATIVE = {"arabic": re.compile(r"[\u0600-\u06ff]"), "cyrillic": re.compile(r"[\u0400-\u04ff]")}


def cyrillic_key(word: str) -> str:
    return latin_key(word.translate(_CYRILLIC_TO_LATIN))


def latin_key(word: str) -> str:
    return _DOUBLED.sub(r"\1", _fold_latin(word))


def arabic_keys(word: str) -> list[str]:
    """The word's key, and without the article (Arabizi often writes "el" apart)."""
    forms = [word]
    if word.startswith("ال") and len(word) > 3:
        forms.append(word[2:])
    return [_arabic_key(form) for form in forms]


def _arabic_key(word: str) -> str:
    if word.endswith("ه") and len(word) > 2:
        word = word[:-1]  # ta marbuta (folded to ه) or "his": Arabizi writes a vowel or nothing
    # و and ي are consonants at the start of a word, mostly long vowels elsewhere.
    word = word[:1] + word[1:].replace("و", "").replace("ي", "")
    return _DOUBLED.sub(r"\1", word.translate(_ARABIC_KEY))


def arabizi_keys(word: str) -> list[str]:
    """Keys to try for an Arabizi word: as typed, and without an article glued on."""
    if word.endswith("h") and len(word) > 3 and word[-2] in "aeiou":
        word = word[:-1]  # "madrasah": the ta marbuta
    keys = [_arabizi_key(word)]
    for article in ("el", "al", "l"):
        if word.startswith(article) and len(word) - len(article) >= 3:
            keys.append(_arabizi_key(word[len(article):]))
            break
    return keys


def _arabizi_key(word: str) -> str:
    key = _fold_arabizi(word)  # leaves w and y as they are
    # As on the Arabic side, w and y are consonants only at the start of the word.
    head = key[:1] if word[:1] in ("w", "y") else ""
    return _DOUBLED.sub(r"\1", head + key[len(head):].replace("w", "").replace("y", ""))


class ScriptBridge:
    """Per bridged language: key -> the FAQ word in the native script most questions use."""

    def __init__(self, counts: Mapping[str, Counter[str]]):
        """counts: language -> native FAQ word -> how many of that language's questions use it."""
        self._keys: dict[str, dict[str, str]] = {}
        self._by_initial: dict[str, dict[str, list[str]]] = {}
        for lang, script in BRIDGED.items():
            native = _NATIVE[script]
            best: dict[str, tuple[int, str]] = {}
            for word, n in counts.get(lang, Counter()).items():
                if not native.search(word):
                    continue
                keys = arabic_keys(word) if script == "arabic" else [cyrillic_key(word)]
                for key in keys:
                    if len(key) >= MIN_KEY and (n, word) > best.get(key, (0, "")):
                        best[key] = (n, word)
            self._keys[lang] = {key: word for key, (_, word) in best.items()}
            by_initial: dict[str, list[str]] = {}
            for key in self._keys[lang]:
                by_initial.setdefault(key[0], []).append(key)
            self._by_initial[lang] = by_initial

    def native(self, word: str, lang: str) -> str | None:
        """The FAQ's native-script word for a Latin-letter `word`, if one sounds the same."""
        keys = self._keys.get(lang)
        if not keys or not _LATIN_WORD.fullmatch(word):
            return None
        if BRIDGED[lang] == "arabic":
            return next((keys[k] for k in arabizi_keys(word) if k in keys), None)
        key = latin_key(word)
        if key in keys:
            return keys[key]
        if len(key) < 5:
            return None  # short words: one letter off is another word
        best = process.extractOne(key, self._by_initial[lang].get(key[0], []),
                                  scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return keys[best[0]] if best else None
