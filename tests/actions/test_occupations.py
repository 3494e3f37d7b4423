"""actions.occupations and the v1.1 answers of other actions: what a trade is, demand and
income with source and period (national fallback said), how to apply, scholarships."""

from __future__ import annotations

from actions.career import ActionCareerAdvice
from actions.occupations import ActionLabourMarket, ActionOccupationInfo
from actions.policies import ActionPolicies
from actions.programmes import ActionProgrammeInfo
from actions.schools import ActionSchoolInfo
from tests.actions.conftest import run

ILLUSTRATIVE = "Số liệu minh họa"


def test_a_trade_by_its_alias_with_who_it_suits_and_where_it_is_taught(catalog):
    text, buttons, slots = run(ActionOccupationInfo(), "thợ hàn là làm gì vậy", "ask_occupation")
    assert text.startswith("Nghề Hàn") and "Hợp với:" in text and "Holland" in text
    assert "Trường Cao đẳng Công nghệ Sao Biển" in text  # a programme that trains it
    assert "Lương, nhu cầu tuyển dụng" in [b["title"] for b in buttons]
    assert slots["occupation"] == "Hàn"


def test_a_province_figure_names_its_source_and_period(catalog):
    text, _, _ = run(ActionLabourMarket(), "nghe dien cong nghiep o quang ninh co de kiem viec ko", "ask_labour_market")
    assert "Nghề Điện công nghiệp ở Quảng Ninh" in text and "quý 2/2026" in text and ILLUSTRATIVE in text
    assert "toàn quốc" not in text


def test_a_province_without_figures_falls_back_to_national_and_says_so(catalog):
    text, _, _ = run(ActionLabourMarket(), "thợ hàn ở Đà Nẵng lương bao nhiêu", "ask_labour_market")
    assert "số liệu toàn quốc" in text and "chưa có số liệu riêng của Đà Nẵng" in text and "năm 2025" in text


def test_trades_in_demand_in_a_province(catalog):
    text, buttons, _ = run(ActionLabourMarket(), "ở Hải Phòng nghề nào đang cần nhiều người", "ask_labour_market")
    assert text.startswith("Nghề đang cần nhiều người ở Hải Phòng") and "Hàn" in text and ILLUSTRATIVE in text
    assert buttons


def test_an_occupation_without_figures_says_it_does_not_know(catalog):
    from catalog import queries

    missing = [
        o
        for o in queries.occupations_in_fields(["nghe_thuat_thiet_ke", "khac", "nong_lam_thuy_san"], per_field=20)
        if queries.labour_figure(o.code) is None
    ]
    assert missing, "the sample leaves some occupations without labour-market rows on purpose"
    text, _, _ = run(ActionLabourMarket(), "lương bao nhiêu", "ask_labour_market", entities={"occupation": missing[0].name})
    assert "chưa có số liệu thị trường lao động" in text


def test_application_documents_of_a_named_school_and_unknown_with_contact(catalog):
    text, _, _ = run(ActionProgrammeInfo(), "hồ sơ nhập học trường Việt Hàn gồm những gì", "ask_programme_info")
    assert "Hồ sơ gồm: Phiếu đăng ký xét tuyển" in text
    text, _, _ = run(ActionProgrammeInfo(), "hồ sơ gồm những gì", "ask_programme_info", slots={"last_school": "HP-TTGDNN"})
    assert "Hồ sơ gồm: chưa có thông tin" in text and "Bạn liên hệ" in text


def test_application_questions_without_a_school_give_the_common_core_and_the_schools(catalog):
    text, buttons, _ = run(ActionProgrammeInfo(), "hồ sơ nhập học cần nhg j", "ask_programme_info")
    assert "Hồ sơ các trường thường gồm" in text and "Bản sao học bạ THCS hoặc THPT" in text
    assert "giấy khám sức khỏe" not in text  # asked by two schools only: theirs, not the common core
    assert "tùy" in text or "riêng" in text
    assert buttons and all('"detail":"documents"' in b["payload"] for b in buttons)
    text, buttons, _ = run(ActionProgrammeInfo(), "nộp hồ sơ ở Lạng Sơn như thế nào", "ask_programme_info")
    assert "Lạng Sơn" in text and {b["title"] for b in buttons} <= {"Kỳ Lừa Mới", "Nghề Mẫu Sơn"}


def test_zalo_and_online_link_of_a_school(catalog):
    text, _, _ = run(ActionSchoolInfo(), "zalo tuyển sinh trường Việt Hàn", "ask_school_info")
    assert "Zalo tuyển sinh: 0912 000 1101" in text
    text, _, _ = run(ActionProgrammeInfo(), "trường Sao Biển có đăng ký online không", "ask_programme_info")
    assert "Đăng ký trực tuyến: https://saobien.example.vn" in text


def test_employment_rate_with_its_year_at_a_school_and_the_trade_without_one(catalog):
    text, _, _ = run(
        ActionProgrammeInfo(), "ngành điện công nghiệp trường Việt Hàn ra trường có việc làm không", "ask_programme_info"
    )
    assert "92% người tốt nghiệp năm 2026" in text
    text, _, _ = run(ActionProgrammeInfo(), "học nấu ăn ra lương bao nhiêu", "ask_programme_info")
    assert "Kỹ thuật chế biến món ăn" in text and "Nguồn:" in text


def test_scholarships_of_the_school_and_of_the_state_together(catalog):
    text, _, _ = run(ActionPolicies(), "trường Mỏ Hạ Long Xanh có học bổng không", "ask_policies")
    assert "Học bổng của Trường Cao đẳng Mỏ và Công nghiệp Hạ Long Xanh:" in text
    assert "Học bổng của Nhà nước" in text and "Quyết định 53/2015/QĐ-TTg" in text
    text, _, _ = run(ActionPolicies(), "trường Việt Hàn có học bổng không", "ask_policies")
    assert "chưa có thông tin" in text and "Bạn liên hệ Trường Cao đẳng Việt - Hàn Bình Minh" in text


def test_which_trades_find_work_easily_is_the_labour_market(catalog):
    text, _, _ = run(ActionCareerAdvice(), "nghề nào dễ xin việc", "ask_career_advice")
    assert "Nghề đang cần nhiều người – số liệu toàn quốc" in text
