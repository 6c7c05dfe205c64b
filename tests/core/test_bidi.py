"""Arabic lines starting with Latin letters or digits still read right-to-left."""

from bot.core.bidi import RLM, mark_rtl


def test_every_line_gets_one_right_to_left_mark():
    text = "BSN رقم\n112 اتصل\n\nمرحبا"
    marked = mark_rtl(text)
    assert marked.split("\n") == [RLM + "BSN رقم", RLM + "112 اتصل", "", RLM + "مرحبا"]
    assert mark_rtl(marked) == marked  # marking twice changes nothing
    assert marked.replace(RLM, "") == text  # what people read and copy is unchanged
