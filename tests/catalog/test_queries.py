"""catalog.queries on the shipped sample catalog, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog import db, queries
from catalog.importer import import_catalog
from catalog.models import Programme
from tests.catalog.conftest import NATIONAL_DIR, SAMPLE_DIR, institution, policy, programme

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def sample(catalog_url):
    import_catalog(NATIONAL_DIR, url=catalog_url)
    import_catalog(SAMPLE_DIR, url=catalog_url, demo=True)
    return catalog_url


def names(items) -> set[str]:
    return {item.name for item in items}


@pytest.mark.parametrize(
    "typed",
    ["cao dang viet han", "Cao đẳng Việt - Hàn", "CAO DANG VIET-HAN", "truong viet han", "viet han binh minh"],
)
def test_institution_by_fuzzy_name(sample, typed):
    assert [i.name for i in queries.find_institutions(name=typed)][:1] == ["Trường Cao đẳng Việt - Hàn Bình Minh"]


def test_institution_by_misspelt_name(sample):
    assert [i.code for i in queries.find_institutions(name="truong sao bein")] == ["HP-CNSB"]


def test_unknown_institution_name_finds_nothing(sample):
    assert queries.find_institutions(name="đại học bách khoa") == []


def test_institutions_by_province_kind_and_ownership(sample):
    found = queries.find_institutions(province="Quảng Ninh")
    assert {i.code for i in found} == {"QN-VHBM", "QN-MOHL", "QN-DLHB"}
    assert {i.code for i in queries.find_institutions(province="quang ninh", kind="trung_cap")} == {"QN-DLHB"}
    assert {i.code for i in queries.find_institutions(province="HCM", ownership="tu_thuc")} == {"HCM-CDSG", "HCM-TCVT"}


def test_former_province_finds_schools_of_the_merged_province(sample):
    assert (
        {i.code for i in queries.find_institutions(province="Hải Dương")}
        == {i.code for i in queries.find_institutions(province="Hải Phòng")}
        == {"HP-CNSB", "HP-TCHD", "HP-TTGDNN"}
    )


def test_unknown_province_raises(sample):
    with pytest.raises(queries.UnknownProvince):
        queries.find_institutions(province="Atlantis")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Điện công nghiệp", {"Điện công nghiệp"}),
        ("dien cong nghiep", {"Điện công nghiệp"}),
        ("dien cn", {"Điện công nghiệp"}),
        ("ky thuat che bien mon an", {"Kỹ thuật chế biến món ăn"}),
        ("nấu ăn", {"Kỹ thuật chế biến món ăn", "Nấu ăn gia đình"}),
        ("đầu bếp", {"Kỹ thuật chế biến món ăn"}),
        ("cntt", {"Công nghệ thông tin"}),
        ("oto", {"Công nghệ ô tô"}),
        ("nganh ke toan", {"Kế toán doanh nghiệp"}),
        ("dieu duog", {"Điều dưỡng"}),
        ("y tá", {"Điều dưỡng"}),
    ],
)
def test_programmes_by_occupation(sample, typed, expected):
    assert names(queries.find_programmes(occupation=typed, limit=50)) == expected


def test_programme_filters_combine(sample):
    found = queries.find_programmes(occupation="điện công nghiệp", province="Hải Dương", level="cao_dang")
    assert [(p.institution.code, p.level) for p in found] == [("HP-CNSB", "cao_dang")]
    thcs = queries.find_programmes(field="dien_dien_tu", entry_requirement="thcs", limit=50)
    assert thcs and all(p.entry_requirement == "thcs" and p.field == "dien_dien_tu" for p in thcs)


def test_programmes_of_a_school_cheapest_first_unknown_fee_last(sample):
    found = queries.find_programmes(institution_code="QN-VHBM")
    fees = [p.tuition_vnd_per_year for p in found]
    assert len(found) == 6 and fees[-1] is None
    assert fees[:-1] == sorted(fees[:-1])


def test_every_level_and_field_is_searchable(sample):
    from catalog import schema

    for level in schema.LEVELS:
        assert queries.find_programmes(level=level)
    for field in schema.FIELDS:
        assert queries.find_programmes(field=field), field


def test_programme_across_schools(sample):
    comparison = queries.programme_across_schools("dien cn")
    assert comparison.name == "Điện công nghiệp"
    assert comparison.cheapest.tuition_vnd_per_year == 6200000
    assert comparison.cheapest.institution.province == "Lạng Sơn"
    assert comparison.provinces == ["Hải Phòng", "Lạng Sơn", "Quảng Ngãi", "Quảng Ninh"]
    cao_dang = queries.programme_across_schools("điện công nghiệp", level="cao_dang")
    assert {o.institution.code for o in cao_dang.offers} == {"QN-VHBM", "HP-CNSB"}
    assert queries.programme_across_schools("phi công vũ trụ") is None


def test_missing_values_stay_missing(sample):
    [row] = queries.find_programmes(occupation="điều dưỡng", level="trung_cap")
    assert (row.tuition_vnd_per_year, row.quota, row.application_deadline) == (None, None, None)
    assert row.institution.phone  # the contact the bot gives instead


def test_upcoming_events_exclude_past_ones(sample):
    upcoming = queries.upcoming_events(today=TODAY)
    assert [e.code for e in upcoming] == [
        "EV-LS-2026-12",
        "EV-QNG-2027-01",
        "EV-QN-2027-03",
        "EV-HN-2027-04",
        "EV-HCM-2027-05",
    ]
    assert [e.code for e in queries.upcoming_events(province="Quảng Ninh", today=TODAY)] == ["EV-QN-2027-03"]
    assert [e.code for e in queries.upcoming_events(province="Kon Tum", today=TODAY)] == ["EV-QNG-2027-01"]
    # a two-day event is still "upcoming" on its second day
    assert [e.code for e in queries.upcoming_events(province="Lạng Sơn", today=dt.date(2026, 12, 6))] == ["EV-LS-2026-12"]
    assert queries.upcoming_events(province="Lạng Sơn", today=dt.date(2026, 12, 7)) == []
    assert queries.upcoming_events(today=TODAY, until=dt.date(2026, 12, 31))[0].institution_name == "Trường Cao đẳng Kỳ Lừa Mới"


def test_policies_for_an_ethnic_minority_student_at_trung_cap(sample):
    found = queries.find_policies(learner_groups="dan_toc_thieu_so", level="trung_cap", province="Lạng Sơn", today=TODAY)
    codes = [p.code for p in found]
    assert {"ND238-MIEN-DTTS-NGHEO", "ND238-GIAM70-DTTS", "QD53-NOITRU"} <= set(codes)
    assert codes.index("QD53-NOITRU") < codes.index("QD29-VAYVON-STEM")  # group-specific first
    assert "QD46-SOCAP" not in codes  # sơ cấp only
    assert "ND61-BODOI-XUATNGU" not in codes  # another group
    assert all(p.legal_basis for p in found)


def test_policies_in_force_and_by_province(catalog_url, make_catalog):
    import_catalog(
        make_catalog(
            policies=[
                policy(code="OLD", effective_to="2025-12-31"),
                policy(code="FUTURE", effective_from="2027-01-01"),
                policy(code="NOW", effective_from="2026-01-01"),
                policy(code="QN-ONLY", scope="Quảng Ninh"),
                policy(code="HP-ONLY", scope="Hải Phòng"),
                policy(code="OTHER-GROUP", learner_groups="mo_coi"),
                policy(code="ALL", learner_groups=""),
            ]
        ),
        url=catalog_url,
    )
    found = queries.find_policies(learner_groups=["khuyet_tat"], province="QN", today=TODAY)
    # the learner's own group first (national before provincial), then policies for everyone
    assert [p.code for p in found] == ["NOW", "QN-ONLY", "ALL"]
    assert {p.code for p in queries.find_policies(learner_groups="khuyet_tat", province="Hải Dương", today=TODAY)} == {
        "NOW",
        "HP-ONLY",
        "ALL",
    }
    assert {p.code for p in queries.find_policies(today=TODAY)} >= {"NOW", "OTHER-GROUP", "ALL"}
    assert "FUTURE" in {p.code for p in queries.find_policies(today=dt.date(2027, 1, 1))}
    assert "OLD" in {p.code for p in queries.find_policies(today=dt.date(2025, 12, 31))}


def test_new_programme_is_found_right_after_import_without_restart(catalog_url, make_catalog):
    import_catalog(make_catalog(institutions=[institution()], programmes=[programme()]), url=catalog_url)
    assert queries.find_programmes(occupation="điện") != []
    assert queries.find_programmes(occupation="robot") == []
    import_catalog(make_catalog(programmes=[programme(code="P-ROBOT", name="Vận hành robot công nghiệp")]), url=catalog_url)
    assert [p.code for p in queries.find_programmes(occupation="van hanh robot")] == ["P-ROBOT"]


def test_sql_looking_text_is_just_text(sample):
    assert queries.find_institutions(name="'; DROP TABLE institutions; --") == []
    assert queries.find_programmes(occupation='" OR 1=1 --') == []
    assert len(queries.find_institutions()) == 14


def test_wrong_enum_is_a_programming_error(sample):
    with pytest.raises(queries.UnknownValue):
        queries.find_programmes(level="dai_hoc")


def _programme_index():
    with db.session() as session:
        return queries._name_index(session, "programmes", Programme.name_key)


def test_what_is_derived_from_the_whole_catalog_is_built_once_per_catalog_change(catalog_url, make_catalog):
    import_catalog(make_catalog(institutions=[institution()], programmes=[programme()]), url=catalog_url)
    assert queries.provinces_with_schools() == [("Quảng Ninh", 1)]
    assert queries.programme_names_mentioned("trường nào dạy điện công nghiệp") == ["Điện công nghiệp"]
    index = _programme_index()
    assert queries.programme_names_mentioned("hoc dien cong nghiep o dau") == ["Điện công nghiệp"]
    assert _programme_index() is index  # not rebuilt per message
    school = institution(code="HP-B", name="Trường Trung cấp Hàng Hải Bạch Đằng", province="Hải Phòng")
    robot = programme(institution_code="HP-B", code="P-ROBOT", name="Vận hành robot công nghiệp")
    import_catalog(make_catalog(institutions=[school], programmes=[robot]), url=catalog_url)
    assert _programme_index() is not index
    assert queries.provinces_with_schools() == [("Hải Phòng", 1), ("Quảng Ninh", 1)]
    assert queries.programme_names_mentioned("có dạy vận hành robot không") == ["Vận hành robot công nghiệp"]
    assert queries.institution_mentioned("trường hàng hải bạch đằng có ký túc xá không").code == "HP-B"
    # words of programme names alone do not name a school, with the programme words of this version
    assert queries.institution_mentioned("vận hành robot") is None


def test_programmes_by_reference_in_the_order_given_without_those_gone(sample):
    refs = [("QN-VHBM", "6520227"), ("HP-CNSB", "no-such-code"), ("HN-CDYT", "6720201"), ("QN-VHBM", "5520227")]
    found = queries.get_programmes(refs)
    assert [(p.institution.code, p.code) for p in found] == [refs[0], refs[2], refs[3]]
    assert found[1].name == "Dược" and found[1].institution.province == "Hà Nội"
    assert queries.get_programmes([]) == []


def test_queries_inside_one_session_share_it_and_writers_keep_their_own(sample):
    """An answer's named queries read through one session (one version check of the catalog);
    outside, each query opens its own; a writer inside still begins its own transaction."""
    from sqlalchemy import event, text

    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.get_engine(sample)
    event.listen(engine, "before_cursor_execute", seen)
    try:

        def asked() -> None:
            queries.find_programmes(occupation="điện")
            queries.find_institutions(name="viet han")
            queries.find_policies()

        asked()
        apart = sum("catalog_meta" in s for s in statements)
        statements.clear()
        with db.one_session(sample):
            asked()
            with db.session(sample) as writer, writer.begin():
                writer.execute(text("SELECT 1"))
        together = sum("catalog_meta" in s for s in statements)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert apart >= 2 and together == 1, (apart, together)
