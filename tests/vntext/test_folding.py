"""vntext.folding: the one place Vietnamese text is normalised and folded."""

import unicodedata

from vntext import folding


def test_normalize_is_nfc_trimmed_and_collapsed():
    decomposed = unicodedata.normalize("NFD", "  Trường   Cao đẳng\t\n")
    assert folding.normalize(decomposed) == "Trường Cao đẳng"
    assert unicodedata.is_normalized("NFC", folding.normalize(decomposed))


def test_normalize_drops_control_characters_and_unifies_eth():
    assert folding.normalize("Ðiện\x00 tử\x07") == "Điện tử"


def test_fold_removes_every_diacritic_and_both_tone_placements():
    assert folding.fold("Trường Cao đẳng Việt - Hàn") == "truong cao dang viet - han"
    assert folding.fold("Hoà Bình") == folding.fold("Hòa Bình") == "hoa binh"
    assert folding.fold("ĐẮK LẮK") == "dak lak"


def test_key_keeps_words_only():
    assert folding.key("Việt - Hàn (Quảng Ninh)!") == "viet han quang ninh"
    assert folding.tokens("TP.HCM") == ["tp", "hcm"]


def test_teencode_is_spelled_out():
    assert folding.expand_teencode("e ko bit hoc j dc ntn") == "em khong biet hoc gi duoc nhu the nao"
    assert folding.expand_teencode("mk mún hc nghề, chàoooo ad") == "minh muon hoc nghe chao ad"
    assert folding.expand_teencode("Học phí bn ạ") == "hoc phi bao nhieu a"


def test_has_diacritics():
    assert folding.has_diacritics("học nghề")
    assert not folding.has_diacritics("hoc nghe")


def test_empty_and_odd_input():
    assert folding.normalize("") == "" and folding.key("😀🎉") == "" and folding.key("学校") == ""


def test_telex_leftovers_are_undone_only_where_they_make_a_syllable():
    from vntext.folding import expand_teencode, untelex_text

    assert expand_teencode("truwowngf nao day ke toans") == "truong nao day ke toan"
    assert expand_teencode("hocj phis nganhf dieeuf duowngx") == "hoc phi nganh dieu duong"
    assert expand_teencode("logistics ktx spa") == "logistics ky tuc xa spa"  # not syllables before, not after
    assert untelex_text("Trường Hoa Sen, hocj phis?") == "Trường Hoa Sen, hoc phi?"
