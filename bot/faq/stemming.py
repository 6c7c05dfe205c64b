"""Word stems per language, so "дочке" and "дочка", "criancas" and "crianca" meet.

Snowball (PyStemmer) covers eight of the ten languages; Ukrainian shares Russian's,
which strips most of the endings the two have in common. Mongolian has no Snowball
stemmer, so it gets a light one here: it strips the common case, plural, negation
and verb endings, and reads ө and ү as о and у, because many phone keyboards lack
them ("хуухэд" for "хүүхэд").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Stem = Callable[[str], str]

SNOWBALL = {"nl": "dutch", "en": "english", "ar": "arabic", "es": "spanish", "pt": "portuguese",
            "fr": "french", "tr": "turkish", "ru": "russian", "uk": "russian", "de": "german",
            "it": "italian", "fa": "persian"}

_MN_FOLD = str.maketrans({"ө": "о", "ү": "у"})
# Written after folding ө/ү. Longest first, so "ийн" goes before "н".
_MN_SUFFIXES = sorted({
    # genitive, accusative
    "ийнхээ", "ынхаа", "ийнх", "ынх", "гийн", "ийн", "ын", "ний", "ны", "ий", "ы", "ийг", "ыг", "г",
    # ablative, instrumental, comitative, directive
    "аас", "ээс", "оос", "иас", "гаас", "гээс", "аар", "ээр", "оор", "иар", "гаар", "гээр",
    "тай", "тэй", "той", "руу", "луу",
    # plural, negation
    "нууд", "чууд", "ууд", "нар", "гуй",
    # verb forms: past, converbs, conditional, habitual, wish, infinitive
    "сан", "сэн", "сон", "аад", "ээд", "оод", "ж", "ч", "х", "вал", "вэл", "бал", "бэл",
    "даг", "дэг", "дог", "маар", "мээр", "моор", "лаа", "лээ", "лоо",
    # possessive and reflexive, dative-locative
    "минь", "чинь", "маань", "нь", "аа", "ээ", "оо", "ад", "эд", "од", "ид", "нд", "д", "т",
}, key=len, reverse=True)
_MN_MIN_STEM = 3


def mongolian_stem(word: str) -> str:
    """At most two endings off ("хүүхдүүдийн" -> "хуухд"), never below three letters."""
    stem = word.translate(_MN_FOLD)
    for _ in range(2):
        for suffix in _MN_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= _MN_MIN_STEM:
                stem = stem[: -len(suffix)]
                break
        else:
            break
    return stem


def stemmers(langs: Iterable[str]) -> dict[str, Stem]:
    """A stemmer for each language that has one; Snowball ones only with PyStemmer."""
    langs = list(langs)
    found: dict[str, Stem] = {"mn": mongolian_stem} if "mn" in langs else {}
    try:
        import Stemmer
    except ImportError:
        return found
    algorithms = {SNOWBALL[lang] for lang in langs if lang in SNOWBALL}
    # One Stemmer per algorithm: Ukrainian and Russian share one.
    built = {name: Stemmer.Stemmer(name).stemWord for name in sorted(algorithms)}
    found.update({lang: built[SNOWBALL[lang]] for lang in langs if lang in SNOWBALL})
    return found
