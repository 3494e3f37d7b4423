"""Follow-ups over the list just shown (actions/follow_up.py), on the sample catalog: the
slots one answer sets are the next turn's context, as Rasa would keep them."""

from __future__ import annotations

from actions.conversation import ActionShowMore
from actions.policies import ActionPolicies
from actions.programmes import ActionCompareProgramme, ActionProgrammeInfo
from actions.schools import ActionSchoolInfo, ActionSearch
from tests.actions.conftest import run


class Conversation:
    def __init__(self):
        self.slots: dict = {}

    def say(self, action, message: str, intent: str) -> tuple[str, list]:
        text, buttons, slots = run(action, message, intent, slots=self.slots)
        self.slots.update(slots)
        return text, buttons


def test_which_school_has_a_dormitory_filters_the_list_shown(catalog):
    chat = Conversation()
    text, _ = chat.say(ActionSearch(), "trường nào dạy điện công nghiệp ở Quảng Ninh", "ask_schools")
    assert "Việt - Hàn Bình Minh" in text
    text, _ = chat.say(ActionSchoolInfo(), "trg nào có ktx", "ask_school_info")
    assert "Bạn muốn hỏi trường nào" not in text
    assert "Việt - Hàn Bình Minh" in text and "ký túc xá" in text


def test_a_detail_of_each_item_shown(catalog):
    chat = Conversation()
    chat.say(ActionSearch(), "trường nào dạy điều dưỡng", "ask_schools")
    text, _ = chat.say(ActionProgrammeInfo(), "học mấy năm", "ask_programme_info")
    assert text.count("Thời gian học:") >= 2 and "Hồng Hà Mẫu" in text and "Sông Trà Xanh" in text


def test_the_second_school_of_the_list(catalog):
    chat = Conversation()
    first, _ = chat.say(ActionSearch(), "trường nào dạy điện công nghiệp", "ask_schools")
    lines = [line for line in first.splitlines() if line.startswith("•")]
    second_school = lines[1].split(" – ")[1].split(",")[0]
    text, _ = chat.say(ActionSchoolInfo(), "trường thứ 2 ở đâu", "ask_school_info")
    assert second_school in text and "Địa chỉ:" in text
    # "trường đó" is now that school
    text, _ = chat.say(ActionSchoolInfo(), "trường đó có ký túc xá không", "ask_school_info")
    assert second_school in text and text.count("Ký túc xá") == 1


def test_the_cheapest_of_the_list_is_the_cheapest(catalog):
    chat = Conversation()
    chat.say(ActionSearch(), "trường nào dạy điện công nghiệp", "ask_schools")
    text, _ = chat.say(ActionCompareProgramme(), "cái nào rẻ nhất", "ask_compare_programme")
    assert "6.200.000 đ" in text and "Kỳ Lừa Mới" in text and "Sao Biển" not in text


def test_other_schools_when_there_are_no_more_here_says_so_and_names_where(catalog):
    chat = Conversation()
    chat.say(ActionSearch(), "trường nào dạy logistics ở Hải Phòng", "ask_schools")
    text, _ = chat.say(ActionShowMore(), "con truong khac thi sao", "show_more")
    assert "Mình đã gửi hết rồi" not in text
    assert "chỉ có 1 trường" in text and "Sài Gòn Mới, Hồ Chí Minh" in text


def test_the_same_question_in_another_province(catalog):
    chat = Conversation()
    chat.say(ActionSearch(), "trường nào dạy điện công nghiệp ở Quảng Ninh", "ask_schools")
    text, _ = chat.say(ActionSearch(), "thế còn ở Lạng Sơn", "inform")
    assert "Kỳ Lừa Mới" in text and "Việt - Hàn" not in text


def test_a_heading_never_claims_a_province_its_items_are_not_in(catalog):
    chat = Conversation()
    text, _ = chat.say(ActionSearch(), "trường nào dạy công nghệ thông tin ở Hải Phòng", "ask_schools")
    assert "Ở Hải Phòng danh mục chưa có trường nào dạy" in text
    text, _ = chat.say(ActionProgrammeInfo(), "học phí bao nhiêu", "ask_programme_info")
    assert "ở Hải Phòng:" not in text and "Hải Phòng" not in text.split("\n")[0]


def test_buttons_are_never_duplicated_and_name_the_programme(catalog):
    text, buttons, _ = run(ActionProgrammeInfo(), "trường Y tế Hồng Hà Mẫu có những ngành gì", "ask_programme_info")
    titles = [b["title"] for b in buttons]
    assert len(titles) == len(set(titles))


def test_a_policy_is_never_presented_to_someone_the_message_excludes(catalog):
    text, _, _ = run(ActionPolicies(), "nhà em không thuộc hộ nghèo thì có được miễn học phí không", "ask_policies")
    assert "hộ nghèo, cận nghèo" not in text and "không thuộc nhóm đó" in text
    text, _, _ = run(ActionPolicies(), "em là người Kinh, nhà nghèo, có được hỗ trợ gì không", "ask_policies")
    assert "dân tộc thiểu số thuộc hộ nghèo" not in text and "hộ nghèo" in text


def test_policies_of_the_group_come_first_whole_and_general_ones_apart(catalog):
    text, _, _ = run(ActionPolicies(), "Chồng tôi mới xuất ngũ, muốn học lái xe có được hỗ trợ không?", "ask_policies")
    assert "thẻ đào tạo nghề" in text  # the clause for sơ cấp is not cut off
    assert text.index("bộ đội xuất ngũ") < text.index("không theo nhóm bạn nêu")
    # policies without a learner group are not "for every learner": their titles say whom
    assert "mọi người học" not in text


def test_the_reading_keeps_communes_alternatives_and_the_fee_abbreviation_apart(catalog):
    from actions.request import read_message

    said = read_message("nhà ở xã Quảng Điền, Quảng Ninh, cháu muốn học hàn hoặc sửa ô tô", {})
    assert said.place.name == "Quảng Ninh" and "dien_dien_tu" not in said.fields  # "Điền" is the commune's
    assert {"Hàn", "Công nghệ ô tô"} <= set(said.names)
    assert read_message("hp bn z ad", {}).place is None and "tuition" in read_message("hp bn z ad", {}).details
    assert read_message("hc logistics o hp o dau", {}).place.name == "Hải Phòng"
    # another province named, "hp" asking the amount: the fee, not a second province
    for message in ("e lớp 12. e thích nấu ăn. ở đà nẵng có trg nào k. hp bn ạ", "hc spa o da nang o dau, hp bn"):
        said = read_message(message, {})
        assert said.place.name == "Đà Nẵng" and said.also == () and "tuition" in said.details
    assert read_message("hp bn ở hn", {}).place.name == "Hà Nội"  # the fee in Hà Nội
    assert read_message("cai nao re nhat", {}).names == ()  # "nhất" is not "Tiếng Nhật"


def test_a_trade_name_a_button_shortened_is_said_whole(catalog):
    text, _, _ = run(
        ActionSearch(),
        '/ask_schools{"occupation":"Kỹ thuật máy lạnh và điều…"}',
        "ask_schools",
        entities={"occupation": "Kỹ thuật máy lạnh và điều…"},
    )
    assert "Kỹ thuật máy lạnh và điều hòa không khí" in text and "điều…" not in text


def test_a_message_read_again_for_its_record_is_not_read_twice(catalog, monkeypatch):
    """The turn's record (asked_about, POST /turns) gets the answer's reading of the same
    message; an import (new catalog version) or a minute later, it is read afresh."""
    from actions import request
    from actions.counselling import asked_about

    calls = []
    real = request.reading_of
    monkeypatch.setattr(request, "reading_of", lambda *args: calls.append(args) or real(*args))
    message = "trường nào dạy hàn ở Quảng Ninh lần này"
    first = request.read_message(message, {})
    about = asked_about({"text": message, "intent": {"name": "search_school"}, "entities": []})
    assert len(calls) == 1 and about["province"] == "Quảng Ninh" and first.place.name == "Quảng Ninh"

    monkeypatch.setattr(request.queries, "catalog_version", lambda: -1)  # the catalog changed
    request.read_message(message, {})
    assert len(calls) == 2
    monkeypatch.setattr(request, "RECENT_SECONDS", 0.0)  # kept no longer than that
    request.read_message(message, {})
    assert len(calls) == 3
