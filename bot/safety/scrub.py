"""Remove personal numbers from what a family typed, before anyone else sees it.

Families without papers are afraid of being found. A volunteer, a log line or a
report must never show their phone number, e-mail, IBAN, BSN, V-number, address
or document number, even when they typed it themselves. `Scrubber.scrub`
replaces each one by a marker such as "[phone number removed]" and leaves every
other character exactly as it was.

Precision matters as much as recall: dates, amounts, times, ages, bus lines and
the helplines the bot itself sends (112, 0800-0113) must stay, or the volunteer
cannot help. So a number is only removed when its shape, its checksum (BSN,
IBAN) or a keyword in front of it (V-number, document) says what it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

KINDS: tuple[str, ...] = ("phone", "email", "iban", "bsn", "v_number", "postcode", "passport")

DEFAULT_MARKERS: dict[str, str] = {
    "phone": "[phone number removed]",
    "email": "[e-mail address removed]",
    "iban": "[bank account removed]",
    "bsn": "[BSN removed]",
    "v_number": "[V-number removed]",
    "postcode": "[address removed]",
    "passport": "[document number removed]",
}

# When two finds of equal length cover the same text, the more specific kind names it
# ("paspoort 4509ab123" is a document number, even if "4509ab 123" looks like an address).
_PRIORITY = {kind: i for i, kind in enumerate(
    ("email", "iban", "v_number", "phone", "bsn", "passport", "postcode"))}

# Arabic-Indic, Persian and full-width digits -> ASCII. One character for one, so
# offsets in the matching copy are offsets in the original.
_DIGITS = str.maketrans({chr(base + d): str(d) for base in (0x0660, 0x06F0, 0xFF10) for d in range(10)})

# Markers already in the text are blanked with this character before matching: it
# counts as part of a word for the edges of a number, so nothing next to a marker
# can be found that was not found the first time, and a marker ("[V-number removed]")
# never acts as a keyword. Scrubbing twice is then the same as once.
_MASK = "\x00"
_W = r"0-9A-Za-z\x00"  # what a number must not be glued to
_R = rf"(?![{_W}])"
_R_NUM = rf"(?![{_W}]|[:.,\-/][0-9])"  # and not the first part of 14:30 or 1.250,00
_SEP = r"[ \u00a0.\-()]{0,3}"  # what people put between the digits of a phone number
_MAX_PASSES = 4
# Every pattern starts with a literal or a character class, and checks what comes
# before it in a look-behind after that first character: `re` can then jump from
# candidate to candidate instead of trying every position (3-5 times faster).

_PHONE_INTL = re.compile(
    rf"(?:\+(?<![{_W}+]\+)|00(?<![{_W}+]00)(?<![0-9][-./,]00)) ?"
    # +31 / 0031 has exactly nine digits after the country code: a year after it stays.
    rf"(?:31 ?(?:\(0\) ?)?[1-9](?:{_SEP}[0-9]){{8}}|[1-9](?:{_SEP}[0-9]){{7,14}}){_R_NUM}", re.ASCII)
_PHONE_NL = re.compile(
    rf"(?:\((?<![{_W}+]\()0|0(?<![{_W}+(]0)(?<![0-9][-./,]0))"
    # 0800/0900 numbers are helplines and services, not a person.
    r"(?!800|90[069])"
    # 01-05-2024 14 (uur) has ten digits too, but is a date.
    r"(?![0-9](?P<ds>[-/.])[01]?[0-9](?P=ds)(?:(?:19|20)[0-9]{2}|[0-9]{2}(?![0-9]|[-./ ][0-9])))"
    rf"[1-9](?:{_SEP}[0-9]){{8}}{_R_NUM}", re.ASCII)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-\x00])[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+"
    r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9](?![A-Za-z0-9\-\x00])", re.ASCII)
# Found from its check digits; the two letters before them are added back by _iban.
_IBAN = re.compile(
    rf"[0-9]{{2}}(?<=[A-Za-z]{{2}}[0-9]{{2}})(?<![{_W}][A-Za-z]{{2}}[0-9]{{2}})"
    rf"(?: ?[A-Za-z0-9]{{4}}){{2,7}}(?: ?[A-Za-z0-9]{{1,3}})?{_R}", re.ASCII)
# 123456782, 123.456.782, 123 456 782, 1234 56 782; not after a euro sign (amounts).
_BSN = re.compile(
    rf"[0-9](?<![{_W}+€][0-9])(?<![0-9][.,][0-9])(?<!€ [0-9])"
    r"(?:[0-9]{8}|[0-9]{2}(?P<s1>[ .\-])[0-9]{3}(?P=s1)[0-9]{3}"
    rf"|[0-9]{{3}}(?P<s2>[ .])[0-9]{{2}}(?P=s2)[0-9]{{3}}){_R_NUM}", re.ASCII)
# Postcode: 1000-9999 + two letters, never SA/SD/SS. "in 2024 is" and "sinds 2015 NL"
# must not look like one, so a postcode without house number has no such words after it.
_STOP = (r"(?:en|in|is|of|op|om|at|to|on|or|me|my|we|he|it|as|an|by|be|do|go|so|no|up|us|de|ik|je|ze"
         r"|er|na|al|nu|te|ca|uw|zo|ja|ga|ma|di|wo|vr|za|km|kg|mg|ml|cm|mm|gb|mb|kb|pm|am|st|nd|rd|th)"
         r"(?![A-Za-z])")
_STOP_UPPER = r"(?:NL|EU|US|UK|VS|TV|OK|AM|PM|KM|KG|GB|MB)(?![A-Za-z])"
_HOUSE_NO = (r"[1-9][0-9]{0,4}"
             r"(?:-?(?:[A-Za-z]|bis|hs)(?![A-Za-z])|[-/](?:[0-9]{1,3}|[A-Za-z]{1,3})(?![A-Za-z0-9]))?")
_POSTCODE = re.compile(
    rf"[1-9](?<![{_W}][1-9])(?<![0-9][.,][1-9])[0-9]{{3}}"
    rf"(?: ?(?!{_STOP})(?![Ss][AaDdSs])[A-Za-z]{{2}}(?![A-Za-z])[ ,]{{0,2}}{_HOUSE_NO}"
    rf"| ?(?!S[ADS]|{_STOP_UPPER})[A-Z]{{2}}|(?!{_STOP})[a-z]{{2}}){_R}", re.ASCII)
# Street + house number (+ postcode), on the lowercased copy: "Kalverstraat 92",
# "Damstraat 12, 1012 AB". Found from the suffix; _street adds the start of the word.
_SUFFIXES = ("straat", "laan", "weg", "plein", "gracht", "kade", "singel", "dijk", "steeg", "hof",
             "park", "dreef", "markt", "pad", "plantsoen", "wal", "haven")
_STREET_CHARS = r"a-z\u00c0-\u024f'\-"
_STREET = re.compile(
    "(?:" + "|".join(rf"{s}(?<=[{_STREET_CHARS}]{{2}}{s})" for s in _SUFFIXES) + ")"
    rf"(?<!onderweg)(?<!halfweg)[ \u00a0]{_HOUSE_NO}"
    rf"(?:[ ,]{{1,3}}[1-9][0-9]{{3}} ?(?!s[ads])[a-z]{{2}}(?![a-z]))?{_R}", re.ASCII)
# Dutch passport / ID-card number: 2 letters, 6 letters or digits, 1 digit, never O.
_DOC_NL = re.compile(rf"[A-NP-Z](?<![{_W}][A-NP-Z])[A-NP-Z][A-NP-Z0-9]{{6}}[0-9]{_R}", re.ASCII)


def _after(keywords: Iterable[str], number: str) -> re.Pattern[str]:
    """The first number after a keyword, at most 30 characters on, nothing but words between.

    Runs on the lowercased copy. Only group "n" (the number) is removed; the
    keyword stays so the volunteer knows what the family was talking about.
    """
    words = sorted(keywords, key=len, reverse=True)
    alternatives = "|".join(rf"{re.escape(k)}(?<![a-z\x00]{re.escape(k)})" for k in words)
    return re.compile(
        rf"(?:{alternatives})(?![a-z])[^0-9\n\x00]{{0,30}}?(?<![{_W}])(?P<n>{number}){_R_NUM}", re.ASCII)


_V_NUMBER = _after(["v-nummer", "vnummer", "v nummer", "v-number", "vnumber", "v number", "v-nr", "v nr",
                    "vreemdelingennummer", "vreemdelingen nummer"], r"[0-9](?:[ .\-]?[0-9]){9}")
# An 8-digit BSN is one with its leading 0 dropped: only after a keyword, checked with the 0.
_BSN_8 = _after(["bsn", "burgerservicenummer", "burger service nummer", "burgerservice nummer", "sofi",
                 "sofinummer"], r"[0-9]{8}|[0-9]{2}\.[0-9]{3}\.[0-9]{3}")
_DOC_KEYWORD = _after(
    ["paspoort", "passport", "pasnummer", "id", "identiteitskaart", "identiteitsbewijs", "identity card",
     "verblijfsvergunning", "verblijfspas", "verblijfsdocument", "vreemdelingendocument", "document",
     "documentnummer", "passeport", "pasaporte", "паспорт", "جواز", "پاسپورت", "گذرنامه"],
    r"(?=[a-z]*[0-9])[a-z0-9]{6,12}",  # with a digit, or "ID-kaart nummer: X" finds "nummer"
)


def eleven_test(digits: str) -> bool:
    """The BSN check: 9*d1 + 8*d2 + ... + 2*d8 - d9 is divisible by 11 (and not all zeros)."""
    if len(digits) != 9 or digits == "0" * 9:
        return False
    return (sum((9 - i) * int(d) for i, d in enumerate(digits[:8])) - int(digits[8])) % 11 == 0


Span = tuple[int, int]
Check = Callable[[str, int, int], Span | None]


def _keep_if(test: Callable[[str], bool]) -> Check:
    return lambda text, start, end: (start, end) if test(text[start:end]) else None


def _iban(text: str, start: int, end: int) -> Span | None:
    """The longest valid IBAN (ISO 13616 mod 97) from 2 letters before the check digits.

    The pattern is greedy, so "NL91 ABNA 0417 1643 00 2024" may include a year:
    shorter candidates ending at a space are tried too.
    """
    start -= 2
    for stop in range(end, start + 14, -1):
        if stop < end and text[stop] != " ":
            continue
        iban = text[start:stop].replace(" ", "").upper()
        # Real BBANs are mostly digits; six or more keeps "ab12 word word word" out.
        if 15 <= len(iban) <= 34 and sum(c.isdigit() for c in iban[4:]) >= 6 \
                and int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1:
            return start, stop
    return None


def _street(text: str, start: int, end: int) -> Span | None:
    """The pattern starts at the suffix ("straat"): add the rest of the street name."""
    while start and (text[start - 1] in "'-" or "a" <= text[start - 1] <= "z"
                     or "\u00c0" <= text[start - 1] <= "\u024f"):
        start -= 1
    return start, end


_whole = _keep_if(bool)


# kind, runs on the lowercased copy?, pattern, check: the check returns the span to remove, or None.
_FINDERS: tuple[tuple[str, bool, re.Pattern[str], Check], ...] = (
    ("email", False, _EMAIL, _whole),
    ("iban", False, _IBAN, _iban),
    ("phone", False, _PHONE_INTL, _whole),
    ("phone", False, _PHONE_NL, _whole),
    ("bsn", False, _BSN, _keep_if(lambda found: eleven_test(re.sub("[^0-9]", "", found)))),
    ("bsn", True, _BSN_8, _keep_if(lambda found: eleven_test("0" + re.sub("[^0-9]", "", found)))),
    ("v_number", True, _V_NUMBER, _whole),
    ("postcode", False, _POSTCODE, _whole),
    ("postcode", True, _STREET, _street),
    ("passport", False, _DOC_NL, _keep_if(lambda found: sum(c.isdigit() for c in found) >= 2)),
    ("passport", True, _DOC_KEYWORD, _whole),
)


@dataclass(frozen=True)
class Scrubbed:
    text: str  # the text with every found item replaced by its marker
    removed: tuple[str, ...]  # kinds removed, in order of first appearance, no repeats


class Scrubber:
    """Finds personal numbers of the switched-on kinds and replaces them by markers."""

    def __init__(self, kinds: Iterable[str] = KINDS, markers: Mapping[str, str] | None = None) -> None:
        wanted = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        markers = dict(markers or {})
        unknown = [k for k in (*wanted, *markers) if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown kind {', '.join(map(repr, unknown))}; "
                             f"known kinds: {', '.join(KINDS)}")
        empty = [k for k, m in markers.items() if not m]
        if empty:
            # An empty marker would glue the text around it together into new numbers.
            raise ValueError(f"empty marker for {', '.join(empty)}")
        self.kinds = frozenset(wanted)
        self.markers = {**DEFAULT_MARKERS, **markers}
        self._finders = [f for f in _FINDERS if f[0] in self.kinds]
        # Longest first, so a marker containing another is blanked whole.
        self._masks = sorted({self.markers[k] for k in self.kinds}, key=len, reverse=True)

    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, kind) in text order; the longer find wins an overlap."""
        for marker in self._masks:
            if marker in text:
                text = text.replace(marker, _MASK * len(marker))
        text = text.translate(_DIGITS)
        if not any(c in text for c in "0123456789@"):  # most messages: nothing to look for
            return []
        lower = text.lower()
        if len(lower) != len(text):  # "İ" lowercases to two characters: keep offsets equal
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        found = []
        for kind, on_lower, pattern, check in self._finders:
            haystack = lower if on_lower else text
            if kind == "email" and "@" not in text:
                continue
            group = "n" if "n" in pattern.groupindex else 0
            for match in pattern.finditer(haystack):
                span = check(haystack, *match.span(group))
                if span:
                    found.append((*span, kind))
        found.sort(key=lambda f: (f[0] - f[1], _PRIORITY[f[2]], f[0]))
        taken: list[tuple[int, int, str]] = []
        for start, end, kind in found:
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, kind))
        return sorted(taken)

    def scrub(self, text: str) -> Scrubbed:
        """Replace every personal number in `text` by its marker; nothing else changes."""
        removed: list[str] = []
        # A find that lost an overlap can hide a shorter number next to it; passes until
        # nothing is left make the result final (one pass, plus one to confirm, in practice).
        for _ in range(_MAX_PASSES):
            spans = self._spans(text)
            if not spans:
                break
            parts, last = [], 0
            for start, end, kind in spans:
                parts += (text[last:start], self.markers[kind])
                last = end
                if kind not in removed:
                    removed.append(kind)
            parts.append(text[last:])
            text = "".join(parts)
        return Scrubbed(text, tuple(removed))
