"""catalog.text: the one place Vietnamese text is normalised and folded."""

import unicodedata

from catalog import text


def test_normalize_is_nfc_trimmed_and_collapsed():
    decomposed = unicodedata.normalize("NFD", "  Trường   Cao đẳng\t\n")
    assert text.normalize(decomposed) == "Trường Cao đẳng"
    assert unicodedata.is_normalized("NFC", text.normalize(decomposed))


def test_normalize_drops_control_characters_and_unifies_eth():
    assert text.normalize("Ðiện\x00 tử\x07") == "Điện tử"


def test_fold_removes_every_diacritic_and_both_tone_placements():
    assert text.fold("Trường Cao đẳng Việt - Hàn") == "truong cao dang viet - han"
    assert text.fold("Hoà Bình") == text.fold("Hòa Bình") == "hoa binh"
    assert text.fold("ĐẮK LẮK") == "dak lak"


def test_key_keeps_words_only():
    assert text.key("Việt - Hàn (Quảng Ninh)!") == "viet han quang ninh"
    assert text.tokens("TP.HCM") == ["tp", "hcm"]


def test_teencode_is_spelled_out():
    assert text.expand_teencode("e ko bit hoc j dc ntn") == "em khong bit hoc gi duoc nhu the nao"
    assert text.expand_teencode("Học phí bn ạ") == "hoc phi bao nhieu a"


def test_has_diacritics():
    assert text.has_diacritics("học nghề")
    assert not text.has_diacritics("hoc nghe")


def test_empty_and_odd_input():
    assert text.normalize("") == "" and text.key("😀🎉") == "" and text.key("学校") == ""
