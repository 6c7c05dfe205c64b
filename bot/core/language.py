"""Which language is this message in, among the switched-on languages?

Decided in this order, because a family's own choice must never be overruled:
1. a language the person picked (button or command);
2. on short messages (under four words), the language already in use;
3. detection from the words: each language's stopwords and FAQ vocabulary; when
   they do not decide, lingua (offline, from its wheel, restricted to the
   switched-on languages, low-accuracy mode: about 30 MB, under a millisecond).
   Words first: on the eval set lingua alone put 48 of 408 English questions in
   Dutch (they name Dutch things: huisarts, gemeente), the words none;
4. the language already in use, then the transport's hint (e.g. Telegram's
   app language), then the configured default.
A language lingua does not know still works: it is found from its words.
"""

from __future__ import annotations

from typing import Any

SHORT_MESSAGE_WORDS = 4
LINGUA_SURE = 0.95  # lingua must be this sure to beat the session's language and the app's


def _lingua(enabled: tuple[str, ...]) -> tuple[Any, dict[Any, str]] | None:
    """A detector for the enabled languages lingua knows, or None if it cannot help."""
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    except ImportError:
        return None
    known: dict[Any, str] = {}
    for code in enabled:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is not None:
            known[Language.from_iso_code_639_1(iso)] = code
    if len(known) < 2:
        return None
    detector = (LanguageDetectorBuilder.from_languages(*known).with_low_accuracy_mode()
                .with_preloaded_language_models().build())
    return detector, known


class LanguageGuesser:
    def __init__(self, vocab: dict[str, set[str]], stopwords: dict[str, frozenset[str]],
                 enabled: tuple[str, ...]):
        self.enabled = enabled
        self._vocab = {lang: vocab.get(lang, set()) for lang in enabled}
        self._stop = {lang: stopwords.get(lang, frozenset()) for lang in enabled}
        self._lingua = _lingua(enabled)

    def detect_text(self, text: str) -> str | None:
        """lingua's answer for the raw text, if it is sure enough."""
        if self._lingua is None or not text.strip():
            return None
        detector, codes = self._lingua
        values = detector.compute_language_confidence_values(text)
        if values and values[0].value >= LINGUA_SURE:
            return codes.get(values[0].language)
        return None

    def detect(self, normalised: str) -> str | None:
        """Most likely language from the words alone, or None if it cannot tell."""
        words = normalised.split()
        if not words:
            return None
        scores: dict[str, float] = {}
        for lang in self.enabled:
            # Stopwords are the surest sign of a language; topic words help too.
            scores[lang] = sum(2.0 if w in self._stop[lang] else
                               1.0 if w in self._vocab[lang] else 0.0 for w in words)
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        if ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def choose(self, normalised: str, *, chosen: str | None, current: str | None,
               hint: str | None, default: str, raw: str = "") -> str:
        if chosen in self.enabled:
            return chosen  # type: ignore[return-value]
        hint = (hint or "").split("-")[0].lower() or None
        words = len(normalised.split())
        if current and words < SHORT_MESSAGE_WORDS:
            return current
        detected = self.detect(normalised) or (self.detect_text(raw) if raw and words else None)
        if detected:
            return detected
        if current:
            return current
        if hint in self.enabled:
            return hint  # type: ignore[return-value]
        return default
