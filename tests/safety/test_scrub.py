"""Personal numbers are removed before a volunteer, a log or a report sees them.

Both directions matter: a number left in can get a family found, and a date,
amount or helpline taken out leaves the volunteer unable to help.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.scrub import DEFAULT_MARKERS, KINDS, Scrubbed, Scrubber, eleven_test

SCRUB = Scrubber()

PHONES = [
    "06-12345678", "06 1234 5678", "0612345678", "06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78",
    "+31 6 12345678", "+31612345678", "0031 6 12345678", "+31 (0)6 1234 5678", "+31-20-1234567",
    "020-1234567", "010 123 4567", "(020) 123 4567", "020 - 123 45 67", "+44 20 7946 0958",
    "+212 6 12 34 56 78", "00212 612345678", "+1 (555) 123-4567",
    "٠٦١٢٣٤٥٦٧٨",  # Arabic-Indic digits
    "۰۶۱۲۳۴۵۶۷۸",  # Persian digits
    "+٣١ ٦ ١٢٣٤٥٦٧٨",
]
EMAILS = ["name.surname+x@example.co.uk", "jan@gmail.com", "A.B_c-d@sub.domain.nl", "x1@y2.org"]
IBANS = [
    "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "nl91abna0417164300", "nl91 abna 0417 1643 00",
    "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "BE71 0961 2345 6769",
]
BSNS = [
    "123456782", "123.456.782", "123 456 782", "1234 56 782", "799642630", "578-230-859",
    "١٢٣٤٥٦٧٨٢", "۱۲۳۴۵۶۷۸۲",
]
DOCUMENTS = ["NW92BD7F4", "SPECI2014", "AB1234567"]
POSTCODES = ["1012 AB", "1012AB", "1012ab", "9999 ZZ", "1012 AB 12", "1234AB 12-3", "1012 ab 7",
             "1012 AB, 3a", "2015 NL 4"]
STREETS = ["Kalverstraat 92", "Keizersgracht 123-2", "kalverstraat 92", "Dorpsweg 3", "Stationsplein 1",
           "Oudegracht 12bis", "Burgemeester Smitlaan 5"]

POSITIVES = [(k, x) for k, xs in [("phone", PHONES), ("email", EMAILS), ("iban", IBANS), ("bsn", BSNS),
                                  ("passport", DOCUMENTS), ("postcode", POSTCODES)] for x in xs]


@pytest.mark.parametrize(("kind", "item"), POSITIVES)
def test_removed_and_the_rest_stays_exactly(kind, item):
    text = f"Tekst: {item}. Einde"
    assert SCRUB.scrub(text) == Scrubbed(f"Tekst: {DEFAULT_MARKERS[kind]}. Einde", (kind,))


@pytest.mark.parametrize(("text", "expected"), [
    ("Damstraat 12, 1012 AB Amsterdam", "[address removed] Amsterdam"),
    ("ik woon Kalverstraat 92", "ik woon [address removed]"),
    ("Jan van Galenstraat 12a, 1056 CA", "Jan van [address removed]"),
    *[(f"adres: {s}!", "adres: [address removed]!") for s in STREETS[:-1]],
    (STREETS[-1], "Burgemeester [address removed]"),
])
def test_street_and_house_number(text, expected):
    assert SCRUB.scrub(text) == Scrubbed(expected, ("postcode",))


@pytest.mark.parametrize(("text", "expected"), [
    ("V-nummer 1234567890", "V-nummer [V-number removed]"),
    ("mijn vnummer is 1234567890", "mijn vnummer is [V-number removed]"),
    ("v nummer: 12 3456 7890", "v nummer: [V-number removed]"),
    ("My V-number is 1234567890.", "My V-number is [V-number removed]."),
    ("my v number 1234567890", "my v number [V-number removed]"),
    ("Vreemdelingennummer (IND): 1234567890", "Vreemdelingennummer (IND): [V-number removed]"),
    ("V-nr. 1234567890", "V-nr. [V-number removed]"),
])
def test_v_number_needs_its_keyword_and_keeps_it(text, expected):
    assert SCRUB.scrub(text) == Scrubbed(expected, ("v_number",))


@pytest.mark.parametrize(("text", "expected"), [
    ("mijn bsn is 10000008", "mijn bsn is [BSN removed]"),  # 010000008 with its 0 dropped
    ("BSN: 12.345.674", "BSN: 12.345.674"),  # 012345674 fails the eleven-test
    ("sofinummer 10000008", "sofinummer [BSN removed]"),
])
def test_eight_digit_bsn_only_after_a_keyword(text, expected):
    assert SCRUB.scrub(text).text == expected
    assert SCRUB.scrub("nummer 10000008").removed == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("paspoort NW92BD7F4", "paspoort [document number removed]"),
    ("ID-kaart nummer: ab12345", "ID-kaart nummer: [document number removed]"),
    ("my passport number is X1234567", "my passport number is [document number removed]"),
    ("verblijfsvergunning: 12345678X", "verblijfsvergunning: [document number removed]"),
    ("جواز السفر: P1234567", "جواز السفر: [document number removed]"),
    ("Паспорт 4509ab123", "Паспорт [document number removed]"),
])
def test_document_numbers(text, expected):
    assert SCRUB.scrub(text) == Scrubbed(expected, ("passport",))


NEGATIVES = [
    "2024", "in 2024 is mijn zoon geboren", "sinds 2019 in Nederland", "since 2019 my kids go to school",
    "€ 1.250,00", "1250 euro", "€ 123.456.782", "€123456782", "€50", "het kost 1.250.000,00",
    "14:30", "om 14.30 uur", "van 09.00-12.30 en 13.00-17.00", "10:00-17:00",
    "12-05-2024", "12/05/2024", "01-05-2024 14 uur", "16-12-2024 10:00", "2024-05-12", "12.05.2024",
    "my son is 12", "mijn zoon is 12 jaar", "ابني عمره ١٢ سنة", "ik heb 3 kinderen van 2, 5 en 9",
    "bus 80", "lijn 80 en tram 26", "number 12", "huisnummer 12", "kamer 1.05", "bel 112", "112", "113",
    "bel 113 of 0800-0113", "0800-0113", "0800-2000", "0800 2000", "0900-8844", "0900-1234567",
    "116 123", "116000", "123456789", "987654321", "1234 SS", "1234 SA", "ik was onderweg 10 minuten",
    "1000km", "500mg", "1234567890", "NL91ABNA0417164301", "mijn paspoort is in 2023 verlopen",
    "ID-kaart kost 70 euro", "Covid-19", "A4-papier", "tel: 06-1234", "V-nummer weet ik niet",
    "straat 12", "mijn weg 12 keer", "sinds 2015 NL", "2024 EU", "in 2020 IND", "2 x 3 = 6",
    "+ 3 kinderen", "https://www.example.nl/page?id=123", "bel 020 - 1234",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_numbers_stay(text):
    assert SCRUB.scrub(text) == Scrubbed(text, ())


def test_the_bots_own_words_stay(content):
    texts = [t for e in content.faq for tr in e.translations.values()
             for t in (tr.title, tr.answer, *tr.questions)]
    texts += [t for strings in content.ui.values() for t in strings.values()]
    assert texts
    changed = [t for t in texts if SCRUB.scrub(t).removed]
    assert changed == []


@pytest.mark.parametrize(("text", "expected", "removed"), [
    ("Hallo, mijn nummer is 06-12345678 en mijn BSN is 123456782. Ik woon op Kalverstraat 92, 1012 PH "
     "Amsterdam. Afspraak 12-05-2024 om 14:30, kosten € 1.250,00, bel anders 0800-0113.",
     "Hallo, mijn nummer is [phone number removed] en mijn BSN is [BSN removed]. Ik woon op "
     "[address removed] Amsterdam. Afspraak 12-05-2024 om 14:30, kosten € 1.250,00, "
     "bel anders 0800-0113.",
     ("phone", "bsn", "postcode")),
    ("My email is jan@example.com, call +31 6 12345678 after 14:30. My son is 12. IBAN NL91 ABNA "
     "0417 1643 00 please",
     "My email is [e-mail address removed], call [phone number removed] after 14:30. My son is 12. IBAN "
     "[bank account removed] please",
     ("email", "phone", "iban")),
    ("رقم هاتفي ٠٦١٢٣٤٥٦٧٨ وبريدي jan@example.com، ابني عمره ١٢ سنة",
     "رقم هاتفي [phone number removed] وبريدي [e-mail address removed]، ابني عمره ١٢ سنة",
     ("phone", "email")),
    ("ቁጽሪ ስልኪ 0612345678 እዩ፣ ወደይ 7 ዓመት", "ቁጽሪ ስልኪ [phone number removed] እዩ፣ ወደይ 7 ዓመት", ("phone",)),
    ("Мой телефон +31 6 12345678, паспорт AB1234567, сыну 12 лет",
     "Мой телефон [phone number removed], паспорт [document number removed], сыну 12 лет",
     ("phone", "passport")),
])
def test_mixed_messages(text, expected, removed):
    assert SCRUB.scrub(text) == Scrubbed(expected, removed)


def test_markers_are_configurable():
    nl = Scrubber(markers={"phone": "[telefoonnummer verwijderd]"})
    out = nl.scrub("bel 0612345678 of mail jan@example.com")
    assert out.text == "bel [telefoonnummer verwijderd] of mail [e-mail address removed]"


@pytest.mark.parametrize("kinds", [["email"], ("email",), "email", iter(["email"])])
def test_kinds_can_be_switched_off(kinds):
    out = Scrubber(kinds=kinds).scrub("06-12345678, jan@example.com, 123456782")
    assert out == Scrubbed("06-12345678, [e-mail address removed], 123456782", ("email",))


def test_no_kinds_removes_nothing():
    text = "06-12345678 jan@example.com"
    assert Scrubber(kinds=[]).scrub(text) == Scrubbed(text, ())


def test_removed_in_order_of_first_appearance_without_repeats():
    out = SCRUB.scrub("jan@x.nl 0612345678 piet@y.nl 123456782 0698765432 NL91ABNA0417164300")
    assert out.removed == ("email", "phone", "bsn", "iban")
    assert out.text.count("[phone number removed]") == 2


def test_longer_match_wins_an_overlap():
    assert SCRUB.scrub("0612345678@example.com").removed == ("email",)
    # A keyword in front makes a 10-digit number a V-number, even if it looks like a phone.
    assert SCRUB.scrub("V-nummer 0612345678").removed == ("v_number",)
    # The digits inside an IBAN are no phone number, also with IBANs switched off.
    assert Scrubber(kinds=["phone", "bsn"]).scrub("NL91ABNA0417164300").removed == ()


@pytest.mark.parametrize(("kinds", "markers", "name"), [
    (["email", "fax"], None, "fax"), (["Phone"], None, "Phone"), (KINDS, {"telefoon": "x"}, "telefoon"),
])
def test_unknown_kind_raises(kinds, markers, name):
    with pytest.raises(ValueError, match=name):
        Scrubber(kinds=kinds, markers=markers)


def test_empty_marker_raises():
    with pytest.raises(ValueError, match="phone"):
        Scrubber(markers={"phone": ""})


@pytest.mark.parametrize(("digits", "ok"), [
    ("123456782", True), ("799642630", True), ("123456789", False), ("000000000", False),
    ("12345678", False),
])
def test_eleven_test(digits, ok):
    assert eleven_test(digits) is ok


def test_a_marker_typed_by_the_family_is_left_alone():
    text = "[BSN removed] [V-number removed] 1234567890"
    assert SCRUB.scrub(text) == Scrubbed(text, ())


# Property tests: text built from the pieces that make numbers hard (digits, separators,
# keywords, markers, real numbers) finds far more edge cases than random text alone.
ITEMS = [x for _, x in POSITIVES] + STREETS
PIECES = st.sampled_from([
    *ITEMS, "bsn ", "V-nummer ", "paspoort ", "ID ", "straat ", "gracht", " ", " ", "-", ".", ",", "(",
    ")", "+", "00", "0", "06", "31", "12", "1012", "AB", "ab", "€", "@", ":", "/", "\n", "\x00", "İ",
    "٠", "۵", *DEFAULT_MARKERS.values(), "x.nl",
])
TEXTS = st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=25).map("".join))
# Letters and spaces around an inserted number: nothing that could join it to a bigger one.
WORDS = st.text(st.characters(categories=["L", "Zs"]), max_size=40)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_scrub_is_final(text):
    once = SCRUB.scrub(text)
    again = SCRUB.scrub(once.text)
    assert again == Scrubbed(once.text, ())
    assert len(set(once.removed)) == len(once.removed)


@settings(max_examples=300, deadline=None)
@given(WORDS, st.sampled_from(ITEMS), WORDS)
def test_an_inserted_number_never_survives(before, item, after):
    out = SCRUB.scrub(f"{before} {item} {after}")
    assert item not in out.text
    assert out.removed
    assert SCRUB.scrub(out.text).removed == ()


@given(st.text())
def test_text_without_digits_or_at_sign_is_untouched(text):
    text = re.sub(r"[\d@\x00]", "", text)
    assert SCRUB.scrub(text) == Scrubbed(text, ())
