"""Which language is this message in, among the switched-on languages?

Decided in this order, because a family's own choice must never be overruled:
1. a language the person picked (button or command);
2. on short messages (under four words), the language already in use;
3. detection from the words: each language's stopwords and FAQ vocabulary;
4. the language already in use, then the transport's hint (e.g. Telegram's
   app language), then the configured default.
"""

from __future__ import annotations

SHORT_MESSAGE_WORDS = 4


class LanguageGuesser:
    def __init__(self, vocab: dict[str, set[str]], stopwords: dict[str, frozenset[str]],
                 enabled: tuple[str, ...]):
        self.enabled = enabled
        self._vocab = {lang: vocab.get(lang, set()) for lang in enabled}
        self._stop = {lang: stopwords.get(lang, frozenset()) for lang in enabled}

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
               hint: str | None, default: str) -> str:
        if chosen in self.enabled:
            return chosen  # type: ignore[return-value]
        hint = (hint or "").split("-")[0].lower() or None
        words = len(normalised.split())
        if current and words < SHORT_MESSAGE_WORDS:
            return current
        detected = self.detect(normalised)
        if detected:
            return detected
        if current:
            return current
        if hint in self.enabled:
            return hint  # type: ignore[return-value]
        return default
