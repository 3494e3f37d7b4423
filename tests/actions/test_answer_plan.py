"""How a turn's details, grade and intent become the answer (actions/request.py, follow_up.py,
pathways.py, programmes.py, schools.py), on the sample catalog."""

from __future__ import annotations

from actions.pathways import ActionPathway
from actions.programmes import ActionCompareProgramme, ActionProgrammeInfo
from actions.request import details_asked, skips_upper_secondary
from actions.schools import ActionSchoolInfo, ActionSchoolProgrammes, ActionSearch
from tests.actions.conftest import run


class Conversation:
    def __init__(self, **slots):
        self.slots: dict = dict(slots)

    def say(self, action, message: str, intent: str) -> str:
        text, _, slots = run(action, message, intent, slots=self.slots)
        self.slots.update(slots)
        return text


def test_deadline_asked_with_how_to_apply_is_given(catalog):
    assert {"deadline", "apply"} <= set(details_asked("hạn nộp hồ sơ thế nào ạ"))
    text, _, _ = run(
        ActionSearch(),
        "Tôi ở Quảng Ninh. Con trai lớp 9. Có trường nào dạy điện công nghiệp không? "
        "Học phí, thời gian học, chỗ ở, hạn nộp hồ sơ thế nào ạ?",
        "ask_schools",
    )
    assert "15/08/2027" in text and "7.600.000 đ" in text and "ký túc xá" in text


def test_after_grade_9_in_a_province_lists_what_is_open_there(catalog):
    text, _, _ = run(ActionPathway(), "Em học hết lớp 9 thì ở Quảng Ninh học được những ngành gì ạ", "ask_after_grade9")
    assert "Việt - Hàn Bình Minh" in text and "Vịnh Ngọc" in text and "Hạ Long Xanh" in text
    assert "Trung cấp –" in text and "Cao đẳng –" not in text  # nothing that needs THPT
    assert "Sau lớp 9" in text  # one line of the pathway kept


def test_not_wanting_upper_secondary_is_after_grade_9(catalog):
    assert skips_upper_secondary("e ko thik hc cap 3 nua") and not skips_upper_secondary("con tôi tốt nghiệp cấp 3")
    message = "e ko thik hc cap 3 nua, mun hc nghe j nhanh ra lam dc, nha e o lang son"
    text, _, _ = run(ActionPathway(), message, "ask_after_grade12")
    assert "Sau lớp 12" not in text and "sau lớp 9" in text
    assert "Mẫu Sơn" in text and "Sơ cấp –" in text and "Cao đẳng –" not in text


def test_where_is_a_school_named_by_its_short_name_is_its_address(catalog):
    for action, intent in ((ActionProgrammeInfo(), "ask_programme_info"), (ActionSchoolProgrammes(), "ask_school_programmes")):
        text, _, _ = run(action, "cd ky lua moi o dau vay", intent)
        assert "Địa chỉ:" in text and "Lạng Sơn" in text and "Thương mại điện tử" not in text


def test_that_school_after_the_cheapest_is_the_cheapest_one(catalog):
    chat = Conversation()
    chat.say(ActionCompareProgramme(), "trường nào dạy điện công nghiệp rẻ hơn", "ask_compare_programme")
    text = chat.say(ActionSchoolInfo(), "trường đó ở tỉnh nào", "ask_school_info")
    assert "Bạn muốn hỏi trường nào" not in text
    assert "Kỳ Lừa Mới (Lạng Sơn)" in text and "Địa chỉ:" in text and "Sao Biển" not in text


def test_shortest_is_by_duration_and_says_so(catalog):
    chat = Conversation(occupation="Điện công nghiệp")
    text = chat.say(ActionCompareProgramme(), "cái nào học ngắn nhất", "ask_compare_programme")
    assert "Rẻ nhất" not in text and "Học ngắn nhất (thời gian học: 2 năm)" in text
    assert "Sao Biển" not in text.split("\n")[1]  # the 3-year cao đẳng is not among the shortest


def test_two_trades_named_side_by_side_are_both_answered(catalog):
    message = (
        "Cho tôi hỏi con tôi lớp 12 đang phân vân giữa tiếng Hàn và hướng dẫn du lịch, nhà ở Quảng Ninh. "
        "Học phí mỗi ngành ở Quảng Ninh bao nhiêu, hạn nộp hồ sơ khi nào?"
    )
    text, _, _ = run(ActionSearch(), message, "ask_schools")
    assert "Tiếng Hàn Quốc" in text and "9.500.000 đ" in text and "31/08/2027" in text
    assert "Hướng dẫn du lịch" in text and "8.000.000 đ" in text and "30/06/2027" in text
    # a joining word inside a trade's own name does not split it
    text, _, _ = run(ActionSearch(), "học kỹ thuật máy lạnh và điều hòa không khí ở đâu", "ask_schools")
    assert "Kỹ thuật máy lạnh và điều hòa không khí" in text
