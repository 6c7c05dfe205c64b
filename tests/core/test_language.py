"""Which language to answer in: the family's pick first, then the words, then lingua."""

from bot.core.language import LanguageGuesser


def guesser(*langs: str) -> LanguageGuesser:
    return LanguageGuesser({}, {}, langs)  # no stopwords or vocabulary: only lingua can tell


def test_lingua_tells_latin_languages_apart_when_the_words_cannot():
    g = guesser("es", "pt", "fr", "tr")
    def pick(text: str) -> str:
        return g.choose(text.lower(), chosen=None, current=None, hint=None, default="es", raw=text)

    assert pick("A escola pediu o BSN do meu filho") == "pt"
    assert pick("Est-ce que je peux aller chez le médecin sans papiers") == "fr"
    assert pick("Doktora gidebilir miyim, param yok") == "tr"


def test_a_picked_language_and_short_messages_keep_the_language_in_use():
    g = guesser("es", "pt", "fr")
    assert g.choose("je peux aller chez le medecin", chosen="es", current="es", hint=None,
                    default="pt", raw="je peux aller chez le medecin") == "es"
    assert g.choose("merci", chosen=None, current="pt", hint=None, default="es",
                    raw="merci") == "pt"
