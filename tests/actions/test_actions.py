"""The custom actions on the sample catalog: what they say and which context they keep."""

from __future__ import annotations

import settings
from actions.career import ActionCareerAdvice, ActionQuizResult, fields_for, top_types
from actions.conversation import ActionFallback, ActionGreet, ActionOutOfScope, ActionShowMore, ValidateSearchForm
from actions.events import ActionEvents
from actions.pathways import ActionPathway
from actions.policies import ActionPolicies
from actions.programmes import ActionCompareProgramme, ActionProgrammeInfo
from actions.schools import ActionSchoolInfo, ActionSchoolProgrammes, ActionSearch
from tests.actions.conftest import run, tracker


def test_search_without_province_asks_for_it_when_the_list_would_be_long(catalog):
    text, _, slots = run(ActionSearch(), "trường nào dạy nghề điện", "ask_schools")
    assert text == "" and slots["need_province"] is True
    assert slots["occupation"] in ("Điện công nghiệp", "Điện dân dụng")


def test_a_trade_taught_in_a_few_places_is_listed_without_asking_the_province(catalog):
    text, _, slots = run(ActionSearch(), "trường nào dạy nấu ăn", "ask_schools")
    assert slots["need_province"] is False and "tỉnh, thành phố nào" not in text
    assert "Vịnh Ngọc, Quảng Ninh" in text and "Phương Nam Mẫu, Hồ Chí Minh" in text
    assert slots["focus"]["items"] and slots["focus"]["query"]["province"] is None


def test_search_answers_and_remembers_context(catalog):
    text, buttons, slots = run(ActionSearch(), "truong nao day dien cn o quang ninh", "ask_schools")
    assert "Trường Cao đẳng Việt - Hàn Bình Minh" in text and "7.600.000 đ" in text
    assert slots["province"] == "Quảng Ninh" and slots["occupation"] == "Điện công nghiệp"
    assert slots["need_province"] is False and slots["last_school"] == "QN-VHBM"
    assert any(b["payload"].startswith("/ask_school_info") for b in buttons)


def test_follow_up_reuses_the_occupation(catalog):
    text, _, _ = run(
        ActionSearch(), "còn ở Hải Phòng thì sao", "inform", slots={"occupation": "Điện công nghiệp", "province": "Quảng Ninh"}
    )
    assert "Sao Biển" in text and "Việt - Hàn" not in text


def test_search_lists_at_most_five_and_keeps_the_rest(catalog):
    text, buttons, slots = run(ActionSearch(), "trường nghề ở đâu cũng được", "ask_schools")
    assert text.count("•") == 5 and len(slots["more"]) == 9
    more, _, more_slots = run(ActionShowMore(), "xem thêm", "show_more", slots={"more": slots["more"]})
    assert more.count("•") == 5 and len(more_slots["more"]) == 4


def test_unknown_occupation_is_said_plainly(catalog):
    text, _, _ = run(ActionSearch(), "trường nào dạy điện công nghiệp ở Cà Mau", "ask_schools")
    assert "Ở Cà Mau danh mục chưa có trường nào dạy Điện công nghiệp" in text
    assert "Nơi khác có dạy" in text and "Việt - Hàn Bình Minh, Quảng Ninh" in text


def test_school_detail_with_missing_value_gives_contact(catalog):
    text, _, _ = run(ActionSchoolInfo(), "", "ask_school_info", entities={"school_code": "HP-TTGDNN", "detail": "email"})
    assert "E-mail: chưa có thông tin" in text and "0225 000 2203" in text


def test_school_from_context(catalog):
    text, _, _ = run(ActionSchoolInfo(), "trường đó có ký túc xá không", "ask_school_info", slots={"last_school": "LS-TCMS"})
    assert "Trường Trung cấp Nghề Mẫu Sơn" in text and "có ký túc xá" in text


def test_programme_detail_from_context(catalog):
    text, _, _ = run(
        ActionProgrammeInfo(), "hạn nộp hồ sơ đến khi nào", "ask_programme_info", slots={"last_programme": "QN-VHBM/6520227"}
    )
    assert "Hạn nộp hồ sơ: 15/08/2027" in text


def test_programme_tuition_across_schools(catalog):
    text, _, _ = run(ActionProgrammeInfo(), "học phí ngành điều dưỡng bao nhiêu", "ask_programme_info")
    assert "13.500.000 đ/năm" in text and "học phí chưa có thông tin" in text


def test_cheapest(catalog):
    text, _, _ = run(ActionCompareProgramme(), "học nấu ăn ở đâu rẻ nhất", "ask_compare_programme")
    assert "Rẻ nhất: Trường Trung cấp Kỹ thuật Đông Triều Vàng" not in text
    assert "Rẻ nhất: Trường Trung cấp Du lịch Vịnh Ngọc (Quảng Ninh), 8.500.000 đ/năm" in text


def test_policies_for_a_group(catalog):
    text, _, slots = run(ActionPolicies(), "em là người khuyết tật học cao đẳng", "ask_policies")
    assert "Miễn học phí cho người học khuyết tật" in text and "Căn cứ: Nghị định 238/2025/NĐ-CP" in text
    assert slots["learner_groups"] == ["khuyet_tat"] and slots["level"] == "cao_dang"


def test_partially_confirmed_policy_is_flagged(catalog):
    text, _, _ = run(ActionPolicies(), "bộ đội xuất ngũ học nghề", "ask_policies")
    assert "cần xác nhận" in text


def test_events_past_ones_never_upcoming(catalog):
    text, _, _ = run(ActionEvents(), "ngày hội ở Hải Phòng", "ask_events")
    assert "10/10/2026" not in text


def test_quiz_scoring():
    assert top_types(["R", "S", "R", "I", "R", "C"]) == ["R", "I"]
    assert fields_for(["R", "S"])[0] in ("co_khi", "suc_khoe")
    assert len(fields_for(["E", "C"])) == 3


def test_quiz_result_names_fields_and_resets(catalog):
    slots = {f"quiz_{i}": letter for i, letter in enumerate("AAESAC", 1)}
    text, _, events = run(ActionQuizResult(), "", "quiz_answer", slots=slots)
    assert "Nghệ thuật" in text and "Nhóm ngành hợp với bạn" in text
    assert all(events[f"quiz_{i}"] is None for i in range(1, 7))


def test_career_advice(catalog):
    text, _, _ = run(ActionCareerAdvice(), "em thích nấu ăn thì học gì", "ask_career_advice")
    assert "du lịch, khách sạn, nhà hàng, nấu ăn" in text


def test_greeting_demo_notice(catalog):
    text, _, _ = run(ActionGreet(), "chào", "greet")
    assert "DỮ LIỆU MINH HỌA" in text


def test_fallback_counts_misses(catalog, monkeypatch):
    monkeypatch.delenv("COUNSELLOR_CONTACT", raising=False)
    first, buttons, slots = run(ActionFallback(), "asdf", "nlu_fallback")
    assert "chưa hiểu" in first and len(buttons) == 3 and slots["miss_count"] == 1
    second, buttons, slots = run(ActionFallback(), "qwer", "nlu_fallback", slots={"miss_count": 1.0})
    assert "thầy cô tư vấn gọi lại" in second and slots["miss_count"] == 0
    assert buttons[0]["payload"] == "/request_human"
    monkeypatch.setenv("COUNSELLOR_CONTACT", "Phòng GDNN, 0200 000 000")
    settings.reload()
    third, _, _ = run(ActionFallback(), "zxcv", "nlu_fallback", slots={"miss_count": 1.0})
    assert "Phòng GDNN, 0200 000 000" in third


def test_search_form_extracts_province(catalog):
    form = ValidateSearchForm()
    import asyncio

    value = asyncio.run(form.extract_province(None, tracker("e o hai duong", "inform", slots={"requested_slot": "province"}), {}))
    assert value == {"province": "Hải Phòng"}
    anywhere = asyncio.run(
        form.extract_province(None, tracker("tỉnh nào cũng được", "inform", slots={"requested_slot": "province"}), {})
    )
    assert anywhere == {"province": "toan_quoc"}


def test_field_button_from_career_advice_searches_that_field(catalog):
    text, _, slots = run(
        ActionSearch(),
        '/inform{"field":"suc_khoe"}',
        "inform",
        entities={"field": "suc_khoe"},
        slots={"occupation": "Hàn", "province": "Hà Nội"},
    )
    assert "Điều dưỡng" in text and "Hàn" not in text.split("\n", 1)[1]
    assert slots["field"] == "suc_khoe"


def test_province_words_are_not_read_as_a_programme(catalog):
    """ "Hải Dương" must not be read as "Điều dưỡng"."""
    text, _, slots = run(
        ActionSearch(), "con o hai duong thi sao", "inform", slots={"occupation": "Điện công nghiệp", "province": "Quảng Ninh"}
    )
    assert "Hải Dương nay thuộc Hải Phòng" in text and "Điện công nghiệp" in text and "Điều dưỡng" not in text


def test_fallback_answers_what_the_message_names(catalog):
    """The classifier gave up, but the catalog knows the school, the trade, the support words."""
    text, _, slots = run(ActionFallback(), "truong cao dang viet han binh minh o dau", "nlu_fallback")
    assert "Việt - Hàn Bình Minh" in text and "Địa chỉ" in text and "tỉnh, thành phố nào" not in text
    text, buttons, slots = run(ActionFallback(), "Em muốn học nghề điện", "nlu_fallback")
    assert "tỉnh, thành phố nào" in text and any(b["title"] == "Tỉnh nào cũng được" for b in buttons)
    assert slots["need_province"] is False and slots["occupation"]
    text, _, _ = run(ActionFallback(), "có được học bổng không", "nlu_fallback")
    assert "học bổng" in text.lower() and "Căn cứ" in text
    text, _, slots = run(ActionFallback(), "asdf qwer", "nlu_fallback")
    assert "chưa hiểu" in text and slots["miss_count"] == 1


def test_parent_long_question_gets_one_combined_answer(catalog):
    message = (
        "Cho tôi hỏi ở Quảng Ninh có trường nào dạy cơ khí hay điện cho học sinh vừa hết lớp 9 không, "
        "học phí bao nhiêu, có chỗ ở không, có được hỗ trợ gì không?"
    )
    text, buttons, _ = run(ActionSearch(), message, "ask_schools")
    assert "Điện công nghiệp" in text and "Việt - Hàn Bình Minh" in text and "Sao Biển" not in text
    assert "Ký túc xá: Việt - Hàn Bình Minh: có ký túc xá" in text
    assert "Căn cứ: Nghị định 238/2025/NĐ-CP (cần xác nhận)" in text  # the learner's stated group: after lớp 9
    assert text.index("Điện công nghiệp (trung cấp)") < text.index("Ký túc xá") < text.index("Hỗ trợ")
    assert any(b["payload"] == "/ask_policies" for b in buttons)


def test_a_keyword_shows_every_programme_it_fits(catalog):
    text, _, _ = run(ActionSearch(), "học nghề may ở Hải Phòng", "ask_schools")
    assert "May thời trang" in text and "May công nghiệp" in text
    text, _, _ = run(ActionSearch(), "học điện ở Hải Phòng", "ask_schools")
    assert "Điện công nghiệp" in text and "Điện dân dụng" in text


def test_level_word_in_a_school_name_is_not_a_filter(catalog):
    text, _, _ = run(
        ActionSchoolProgrammes(), "Trường Cao đẳng Việt - Hàn Bình Minh có những ngành nào?", "ask_school_programmes"
    )
    assert "(trung cấp)" in text and "(sơ cấp)" in text
    text, _, _ = run(ActionSchoolProgrammes(), "cđ Việt Hàn Bình Minh có ngành trung cấp nào", "ask_school_programmes")
    assert "(trung cấp)" in text and "(cao đẳng)" not in text


def test_a_named_school_answers_a_search_without_asking_the_province(catalog):
    text, _, slots = run(ActionSearch(), "truong viet han binh minh co day dien khong", "ask_schools")
    assert "Điện công nghiệp" in text and "tỉnh, thành phố nào" not in text and not slots.get("need_province")


def test_start_date_comes_from_the_catalog_and_is_unknown_with_the_school_contact(catalog):
    text, _, _ = run(ActionProgrammeInfo(), "khi nào nhập học", "ask_programme_info", slots={"last_programme": "QN-VHBM/6520227"})
    assert "Ngày nhập học: 06/09/2027" in text and "Bạn liên hệ" not in text
    text, _, _ = run(ActionProgrammeInfo(), "khi nào nhập học", "ask_programme_info", slots={"last_programme": "HP-CNSB/6480209"})
    assert "Ngày nhập học: chưa có thông tin" in text and "Bạn liên hệ" in text


def test_policies_named_by_their_own_words_without_a_group(catalog):
    text, _, _ = run(ActionPolicies(), "Học các nghề nặng nhọc, độc hại có được giảm học phí không ạ", "ask_policies")
    assert "70%" in text and "nhóm nào" not in text
    text, _, _ = run(ActionPolicies(), "có được học bổng không", "ask_policies")
    assert "học bổng" in text.lower() and "Căn cứ" in text  # the policies that pay scholarships
    text, _, _ = run(ActionPolicies(), "em được hỗ trợ gì không ạ", "ask_policies")
    assert "nhóm nào" in text


def test_support_question_naming_a_trade_and_province_lists_the_schools_first(catalog):
    message = "cháu nhà tôi là người Dao, hộ nghèo, muốn học may ở Lạng Sơn, có được miễn học phí không"
    text, _, _ = run(ActionPolicies(), message, "ask_policies")
    assert text.index("Mẫu Sơn") < text.index("Chính sách")


def test_pathway_question_naming_a_trade_and_province_gets_schools(catalog):
    text, _, _ = run(
        ActionPathway(), "Con tôi học hết lớp 9, ở Hải Dương, muốn học nghề may thì học trường nào?", "ask_after_grade9"
    )
    assert "Hải Dương nay thuộc Hải Phòng" in text and "May thời trang" in text
    text, _, _ = run(ActionPathway(), "Ở Hải Phòng có khóa sơ cấp ngắn hạn nào không ạ", "ask_levels")
    assert "Cát Vàng" in text or "Đông Triều Vàng" in text


def test_detail_words_are_not_trades_and_back_references_keep_the_school(catalog):
    text, _, _ = run(ActionSchoolInfo(), "sdt truong sao bien la j a", "ask_school_info")
    assert "Điện thoại" in text and "đào tạo" not in text
    text, _, _ = run(
        ActionProgrammeInfo(), "ngành kế toán ở đó học phí bao nhiêu", "ask_programme_info", slots={"last_school": "LS-CDKL"}
    )
    assert "Kỳ Lừa Mới" in text and "Đông Triều Vàng" not in text
    text, _, _ = run(ActionSearch(), "hoc dieu duogn o quang ngai truong nao", "ask_schools")
    assert "Điều dưỡng" in text


def test_answers_stay_short_lists_600_policies_900(catalog):
    text, buttons, _ = run(ActionPolicies(), "em là người dân tộc thiểu số", "ask_policies")
    assert len(text) <= 900 and any(b["title"] == "Xem thêm" for b in buttons)
    text, _, _ = run(ActionSearch(), "trường nào ở Hải Phòng", "ask_schools")
    assert len(text) <= 600


def test_fallback_reads_complete_without_buttons(catalog):
    text, _, _ = run(ActionFallback(), "asdf qwer", "nlu_fallback")
    assert "Học phí ngành điện?" in text and not text.endswith(":")


def test_a_parent_is_answered_as_anh_chi_a_student_as_ban(catalog):
    text, _, slots = run(ActionFallback(), "con tôi muốn học nghề điện", "nlu_fallback")
    assert "Anh/chị muốn học ở tỉnh" in text and "bạn" not in text.lower() and slots["parent"] is True
    text, _, _ = run(ActionPolicies(), "có hỗ trợ gì không", "ask_policies", slots={"parent": True})
    assert "anh/chị thuộc nhóm nào" in text.lower()
    text, _, slots = run(ActionFallback(), "em muốn học nghề điện", "nlu_fallback")
    assert "Bạn muốn học ở tỉnh" in text and "parent" not in slots


def test_pathway_question_without_names_gets_the_general_answer_in_the_right_voice(catalog):
    text, buttons, _ = run(ActionPathway(), "học xong lớp 9 thì học gì", "ask_after_grade9")
    assert "Sau lớp 9" in text and "Luật Giáo dục nghề nghiệp" in text and buttons
    text, _, _ = run(ActionPathway(), "con tôi học xong lớp 9 thì học gì", "ask_after_grade9")
    assert "anh/chị có thể" in text.lower() or "Anh/chị" in text


def test_the_action_server_registers_every_custom_action_of_the_domain():
    """rasa_sdk registers every Action subclass: a base class must not break start-up."""
    import yaml
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load(open("domain.yml", encoding="utf-8"))
    custom = {a for a in domain["actions"] if a.startswith(("action_", "validate_"))}
    assert custom <= set(executor.actions)


def test_fallback_on_a_follow_up_answers_about_the_school_just_shown(catalog):
    slots = {"last_school": "QNG-CDSG", "occupation": "Điện công nghiệp"}
    text, _, _ = run(ActionFallback(), "trường đó học mấy năm", "nlu_fallback", slots=slots)
    assert "Thời gian học" in text and "chưa hiểu" not in text


def test_out_of_scope_answers_a_trade_the_catalog_teaches(catalog):
    """The classifier put an unfamiliar trade out of scope; the catalog teaches it."""
    text, _, _ = run(ActionOutOfScope(), "em muốn học chế biến món ăn ạ", "out_of_scope")
    assert "Vịnh Ngọc" in text and "không trả lời được" not in text
    text, _, slots = run(ActionOutOfScope(), "kể chuyện cười đi", "out_of_scope")
    assert "không trả lời được" in text and slots["miss_count"] == 1
