"""bot/channels/text_split.py: long replies cut where a reader expects a break."""

from bot.channels.text_split import split_text


def test_short_text_is_one_message():
    assert split_text("Chào bạn!", 4096) == ["Chào bạn!"]
    assert split_text("   ", 10) == []


def test_paragraphs_first():
    text = ("Đoạn một. " * 30).strip() + "\n\n" + ("Đoạn hai. " * 30).strip()
    parts = split_text(text, 400)
    assert parts == [("Đoạn một. " * 30).strip(), ("Đoạn hai. " * 30).strip()]


def test_sentences_when_a_paragraph_is_too_long():
    text = "Câu số một khá dài. " * 400
    parts = split_text(text, 4096)
    assert all(len(p) <= 4096 for p in parts) and all(p.endswith(".") for p in parts)
    assert " ".join(parts) == text.strip()


def test_hard_cut_only_for_one_endless_word():
    parts = split_text("x" * 2500, 1000)
    assert [len(p) for p in parts] == [1000, 1000, 500]
