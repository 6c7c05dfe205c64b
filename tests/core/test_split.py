"""Long replies are split where a reader would pause, never losing a character."""

from bot.core.split import split_text


def test_short_text_is_one_piece():
    assert split_text("Hello.", 4096) == ["Hello."]


def test_long_text_splits_at_sentences_and_keeps_every_word():
    text = " ".join(f"Sentence number {i} is here." for i in range(400))
    pieces = split_text(text, 1000)
    assert len(pieces) > 1 and all(len(p) <= 1000 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_paragraphs_are_preferred_and_a_word_without_spaces_is_cut_hard():
    text = "a" * 600 + "\n\n" + "b" * 600
    assert split_text(text, 1000) == ["a" * 600, "b" * 600]
    assert [len(p) for p in split_text("x" * 2500, 1000)] == [1000, 1000, 500]
