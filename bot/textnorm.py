"""Cleaning and normalising what people type.

Two different jobs:
- `clean` makes any input safe to handle and to echo: no lone surrogates, no
  control or invisible formatting characters, bounded length.
- `normalise` makes text comparable: same case, same letter forms, no
  punctuation. It is applied to FAQ questions once at load and to every message.
"""

from __future__ import annotations

import re
import unicodedata

# Longer messages are cut before matching: a question fits in far less, and
# fuzzy matching 50 KB of text would stall every other family's reply.
MAX_MATCH_CHARS = 1000

_ARABIC_FOLD = {
    # alef forms -> bare alef
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
    "\u0629": "\u0647",  # ta marbuta -> ha
    "\u0649": "\u064a",  # alef maqsura -> ya
    "\u06cc": "\u064a",  # Persian yeh -> Arabic ya
    "\u06a9": "\u0643",  # Persian kaf -> Arabic kaf
    "\u0640": "",  # tatweel
    "\u200c": "",  # zero-width non-joiner
    # Ukrainian keyboards type the apostrophe as a letter (ʼ): the same as a typed ' or ’
    "\u02bc": "'",
}
_ARABIC_FOLD.update({chr(c): "" for c in range(0x064B, 0x0660)})  # tashkeel
_ARABIC_FOLD["\u0670"] = ""  # superscript alef
_ARABIC_FOLD.update({chr(0x0660 + d): str(d) for d in range(10)})  # Arabic-Indic digits
_ARABIC_FOLD.update({chr(0x06F0 + d): str(d) for d in range(10)})  # Persian digits


def _latin_fold_table() -> dict[int, str]:
    """Latin letters with diacritics -> plain letters ("öğretmen" -> "ogretmen").

    Only Latin code points are folded: Cyrillic "й" or Arabic letters keep
    their marks, because there the mark makes a different letter.
    """
    table: dict[int, str] = {}
    for cp in range(0x00C0, 0x0250):
        ch = chr(cp)
        if not unicodedata.name(ch, "").startswith("LATIN"):
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii():
            table[cp] = base
    table.update({ord("ı"): "i", ord("ø"): "o", ord("æ"): "ae", ord("œ"): "oe", ord("ł"): "l",
                  ord("đ"): "d", ord("ß"): "ss", ord("þ"): "th"})
    return table


_FOLD = str.maketrans({**{ord(k): v for k, v in _ARABIC_FOLD.items()}, **_latin_fold_table()})
_LOOSE_LATIN_MARKS = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")
_NON_WORD = re.compile(r"[\W_]+")
# A Latin "i" typed inside a Cyrillic word (keyboards without і): "вагiтна" is "вагітна".
_LATIN_I_IN_CYRILLIC = re.compile(r"(?<=[\u0400-\u04ff])i|i(?=[\u0400-\u04ff])")
# Arabic writers glue the article and prepositions onto a Dutch word: "الhuisarts",
# "بالIND", "عالgemeente". The Dutch word stands alone; a bare prefix is dropped.
_ARABIC_BEFORE_LATIN = re.compile(r"\b([\u0600-\u06ff]+)(?=[a-z])")
_ARABIC_PREFIXES = frozenset({"ال", "وال", "بال", "فال", "كال", "لل", "عال", "ب", "و", "ل", "ف",
                              "ع", "وب", "ول"})


def _split_arabic_prefix(match: re.Match[str]) -> str:
    arabic = match.group(1)
    return "" if arabic in _ARABIC_PREFIXES else arabic + " "


def clean(text: str, limit: int | None = None) -> str:
    """Remove what must never be processed or shown: surrogates, controls, invisibles.

    Newlines and tabs become spaces; whitespace runs collapse. Nothing else changes,
    so the result is still the person's own words.
    """
    if limit is not None:
        text = text[:limit]
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cs", "Co", "Cn"):  # lone surrogates, private use, unassigned
            continue
        if cat == "Cc":
            out.append(" ")
            continue
        if cat == "Cf" and ch != "\u200c":  # RTL marks, zero-width joiners, BOM
            continue
        out.append(ch)
    return " ".join("".join(out).split())


def normalise(text: str) -> str:
    """Comparable form: NFKC, casefold, letter folding, punctuation -> space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_FOLD)
    text = _LOOSE_LATIN_MARKS.sub("", text)
    text = _LATIN_I_IN_CYRILLIC.sub("\u0456", text)
    text = _ARABIC_BEFORE_LATIN.sub(_split_arabic_prefix, text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    """Words of already-normalised text."""
    return text.split()


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
