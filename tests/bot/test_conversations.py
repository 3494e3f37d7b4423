"""End to end over REST: the real Rasa server (trained on the real data), the real action
server and a real SQLite catalog with the sample data. Vietnamese with and without
diacritics, teencode, follow-ups, forms, fallback and bad input."""

from __future__ import annotations

import httpx
import pytest

from vntext import folding


def folded(reply: str) -> str:
    return folding.fold(reply)


def test_greeting_says_the_data_is_illustrative(chat):
    reply = chat.say("xin chào")
    assert "DỮ LIỆU MINH HỌA" in reply
    assert "Tìm trường, ngành học" in [b["title"] for b in chat.buttons]


@pytest.mark.parametrize(
    "message",
    [
        "trường nào dạy điện công nghiệp ở Quảng Ninh",
        "truong nao day dien cong nghiep o quang ninh",
        "e muon hoc dien cn o qn thi hoc truong nao",
    ],
)
def test_schools_for_an_occupation_in_a_province(chat, message):
    reply = chat.say(message)
    assert "Trường Cao đẳng Việt - Hàn Bình Minh" in reply
    assert "7.600.000 đ" in reply and "9.800.000 đ" in reply
    assert "Sao Biển" not in reply  # Hải Phòng, not Quảng Ninh


def test_former_province_is_named_as_the_current_one(chat):
    reply = chat.say("học nghề hàn ở Hải Dương")
    assert "Hải Dương nay thuộc Hải Phòng" in reply
    assert "Trường Cao đẳng Công nghệ Sao Biển" in reply


def test_form_asks_for_the_province_with_buttons_then_answers(chat):
    reply = chat.say("trường nào dạy nghề điện")  # taught in more places than one answer lists
    assert "tỉnh" in reply
    titles = [b["title"] for b in chat.buttons]
    assert "Tỉnh nào cũng được" in titles and len(titles) <= 5
    reply = chat.say("quang ninh")
    assert "Trường Cao đẳng Việt - Hàn Bình Minh" in reply and "7.600.000 đ" in reply


def test_a_trade_taught_in_few_places_is_listed_without_asking(chat):
    reply = chat.say("trường nào dạy nấu ăn")
    assert "Trường Trung cấp Du lịch Vịnh Ngọc" in reply and "8.500.000 đ" in reply
    assert "tỉnh, thành phố nào" not in reply


def test_follow_up_in_another_province_keeps_the_topic(chat):
    chat.say("trường nào dạy điện công nghiệp ở Quảng Ninh")
    reply = chat.say("còn ở Hải Phòng thì sao")
    assert "Trường Cao đẳng Công nghệ Sao Biển" in reply
    assert "Điện công nghiệp" in reply
    assert "Việt - Hàn" not in reply


def test_follow_up_about_the_school_just_found(chat):
    chat.say("trường nào dạy khai thác mỏ ở Quảng Ninh")
    reply = chat.say("trường đó có ký túc xá không")
    assert "Hạ Long Xanh" in reply and "Ký túc xá: có ký túc xá" in reply


def test_missing_value_is_said_plainly_with_the_contact(chat):
    reply = chat.say('/ask_programme_info{"programme_ref":"HN-CDYT/5720301"}')
    assert "Học phí: chưa có thông tin" in reply
    assert "024 0000 5502" in reply


def test_policies_carry_their_legal_basis(chat):
    reply = chat.say("em là người dân tộc thiểu số, học trung cấp có được hỗ trợ gì")
    assert len(reply) <= 900 and reply.count("Căn cứ:") == reply.count("•") > 0
    everything = reply
    while any(b["title"] == "Xem thêm" for b in chat.buttons):
        everything += chat.press("Xem thêm")
    assert "Quyết định 53/2015/QĐ-TTg" in everything
    assert "Nghị định 238/2025/NĐ-CP" in everything
    assert "bộ đội" not in everything.lower()


def test_policies_without_a_group_ask_which_group(chat):
    chat.say("chính sách hỗ trợ học nghề")
    assert "Người dân tộc thiểu số" in [b["title"] for b in chat.buttons]
    reply = chat.press("Người dân tộc thiểu số")
    assert "Căn cứ:" in reply


def test_upcoming_events_only(chat):
    reply = chat.say("sắp có ngày hội tuyển sinh nào ở Quảng Ninh không")
    assert "20/03/2027" in reply
    assert "2026" not in reply.split("Sự kiện sắp diễn ra")[-1].replace("2027", "")


def test_long_lists_are_paged(chat):
    reply = chat.say("trường nào dạy nghề ở đâu cũng được")
    assert reply.count("•") <= 5
    if any(b["title"] == "Xem thêm" for b in chat.buttons):
        more = chat.press("Xem thêm")
        assert "•" in more


def test_cheapest_across_schools(chat):
    reply = chat.say("hoc dien cong nghiep o dau re nhat")
    assert "Rẻ nhất: Trường Cao đẳng Kỳ Lừa Mới (Lạng Sơn), 6.200.000 đ/năm" in reply


def test_career_advice_from_an_interest(chat):
    reply = chat.say("em thích máy tính thì học nghề gì")
    assert "công nghệ thông tin" in reply


def test_quiz_to_the_end(chat):
    reply = chat.say("làm trắc nghiệm chọn nghề")
    assert "Câu 1/6" in reply
    for letter in "RSRIRC":
        reply = chat.say(f'/quiz_answer{{"riasec":"{letter}"}}')
    assert "Kỹ thuật" in reply and "Nhóm ngành hợp với bạn" in reply


def test_change_topic_in_the_middle_of_the_form(chat):
    chat.say("tìm trường dạy may")
    reply = chat.say("mà nhà em hộ nghèo thì có được miễn học phí không")
    assert "Căn cứ:" in reply
    assert "Bạn muốn học ở tỉnh" not in reply


@pytest.mark.parametrize("message", ["thời tiết hôm nay thế nào", "diem chuan dai hoc bach khoa nam nay"])
def test_out_of_scope_says_what_the_bot_does(chat, message):
    reply = chat.say(message)
    assert "Mình chỉ tư vấn về học nghề" in reply


def test_two_misses_offer_a_counsellor(chat):
    first = chat.say("asdkjh qwpoe zmxnc")
    assert "chưa hiểu" in first and len(chat.buttons) >= 2
    second = chat.say("lkjqwe poiu mnbv")
    assert "thầy cô tư vấn" in second or "liên hệ" in second


@pytest.mark.parametrize(
    "message",
    ["", "   ", "😀😀😀", "x" * 10000, "'; DROP TABLE institutions; --", "What schools teach welding?", "学校在哪里"],
)
def test_bad_input_gets_an_answer_and_no_error(chat, message):
    reply = chat.say(message)
    assert "Traceback" not in reply and "Exception" not in reply
    assert chat.last, "the bot must always answer something"


def test_catalog_still_intact_after_sql_looking_text(chat):
    chat.say("'; DROP TABLE institutions; --")
    assert "Trường Cao đẳng Việt - Hàn Bình Minh" in chat.say("trường nào dạy điện công nghiệp ở Quảng Ninh")


def test_malformed_rest_body_is_a_4xx(bot_url):
    response = httpx.post(
        f"{bot_url}/webhooks/rest/webhook", content=b"{not json", timeout=30, headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500 or response.status_code == 200 and response.json() == []
