"""catalog.provinces: current, former and short province names."""

import pytest

from catalog import provinces


def test_the_34_current_provinces_are_loaded():
    names = provinces.current_names()
    assert len(names) == 34 and "Quảng Ninh" in names and "Hải Dương" not in names


@pytest.mark.parametrize(
    "typed, current, former",
    [
        ("Quảng Ninh", "Quảng Ninh", None),
        ("quang ninh", "Quảng Ninh", None),
        ("Tỉnh Lạng Sơn", "Lạng Sơn", None),
        ("Hải Dương", "Hải Phòng", "Hải Dương"),
        ("hai duong", "Hải Phòng", "Hải Dương"),
        ("Kon Tum", "Quảng Ngãi", "Kon Tum"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh", "Bà Rịa – Vũng Tàu"),
        ("HCM", "Hồ Chí Minh", None),
        ("TP.HCM", "Hồ Chí Minh", None),
        ("tphcm", "Hồ Chí Minh", None),
        ("Sài Gòn", "Hồ Chí Minh", None),
        ("sai gon", "Hồ Chí Minh", None),
        ("HN", "Hà Nội", None),
        ("HP", "Hải Phòng", None),
        ("QN", "Quảng Ninh", None),
        ("Thừa Thiên Huế", "Huế", None),
        ("Thanh Hoá", "Thanh Hóa", None),
        ("daklak", "Đắk Lắk", None),
    ],
)
def test_resolve(typed, current, former):
    match = provinces.resolve(typed)
    assert (match.name, match.former_name) == (current, former)


def test_unknown_place_is_none():
    assert provinces.resolve("Paris") is None and provinces.resolve("") is None


def test_official_resolution_refuses_short_forms():
    assert provinces.resolve_official("HCM") is None
    assert provinces.resolve_official("ha noi").name == "Hà Nội"


@pytest.mark.parametrize(
    "message, current, former",
    [
        ("e muon hoc nghe o hai duong thi sao", "Hải Phòng", "Hải Dương"),
        ("trường nào ở tp hcm dạy ô tô", "Hồ Chí Minh", None),
        ("có trường nào ở Bà Rịa - Vũng Tàu không", "Hồ Chí Minh", "Bà Rịa – Vũng Tàu"),
        ("hoc dien o lang son", "Lạng Sơn", None),
    ],
)
def test_find_in_text(message, current, former):
    match = provinces.find_in_text(message)
    assert (match.name, match.former_name) == (current, former)


def test_find_in_text_without_a_province():
    assert provinces.find_in_text("em thích máy tính thì học nghề gì") is None


def test_split_province_returns_the_rest_of_the_message():
    match, rest = provinces.split_province("còn ở Hải Dương thì sao")
    assert match.name == "Hải Phòng" and rest == "con o thi sao"
    assert provinces.split_province("hoc nau an") == (None, "hoc nau an")


@pytest.mark.parametrize(
    "message",
    [
        "hp bn",
        "ở đà nẵng có trg nào k. hp bn ạ",
        "hc spa o da nang o dau, hp bn",
        "o da nang hp bnhieu",
        "ở đà nẵng, hp là bao",
        "ở đà nẵng hp mấy triệu",
        "mức hp ở đà nẵng",
        "hp 1 năm",
    ],
)
def test_hp_asking_an_amount_or_after_a_fee_word_is_not_hai_phong(message):
    """ "hp" is học phí there: never Hải Phòng, whatever other province the message names."""
    place, rest = provinces.split_province(message)
    while place is not None:
        assert place.name != "Hải Phòng"
        place, rest = provinces.split_province(rest)


@pytest.mark.parametrize("message", ["hc logistics o hp o dau", "trường ở hp có ktx k", "o hp", "học hàn ở HP"])
def test_hp_as_a_place_is_hai_phong(message):
    assert provinces.split_province(message)[0].name == "Hải Phòng"
