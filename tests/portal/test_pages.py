"""The public pages over real HTTP: every value from the catalog, the sample label, former
province names redirected, the search reading the way the bot reads, and a catalog change
shown without a restart."""

from __future__ import annotations

import csv
import html
import re
import time

from catalog import importer, queries
from portal import wording

SAMPLE = "DỮ LIỆU MINH HỌA"


def text_of(page: str) -> str:
    """The visible text of a page, entities decoded and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_every_page_is_labelled_as_sample_and_says_when_its_data_changed(portal):
    with portal.client() as client:
        for path in ("/", "/quang-ninh", "/quang-ninh/QN-VHBM", "/nghe/520227", "/tim-kiem?q=han", "/khung-chat", "/khong-co"):
            response = client.get(path)
            assert response.status_code in (200, 404), path
            assert SAMPLE in response.text, path
            if path != "/khung-chat":
                assert "Dữ liệu cập nhật lần cuối:" in response.text and "chưa có thông tin</strong>" not in response.text, path


def test_the_province_page_shows_the_catalog_as_it_is(portal):
    with portal.client() as client:
        page = text_of(client.get("/quang-ninh").text)
    for school in queries.find_institutions(province="Quảng Ninh", limit=100):
        assert school.name in page
    programmes = queries.find_programmes(province="Quảng Ninh", limit=1000)
    for programme in programmes:
        assert programme.name in page and wording.tuition(programme) in page
    assert any(p.tuition_vnd_per_year is None for p in programmes) and wording.UNKNOWN in page
    for policy in queries.find_policies(province="Quảng Ninh"):
        assert " ".join(policy.title.split()) in page and " ".join(policy.legal_basis.split()) in page
    for heading in ("Các trường", "Ngành, nghề theo nhóm", "Sự kiện tuyển sinh sắp tới", "Chính sách hỗ trợ người học"):
        assert heading in page
    assert "Sau lớp 9 (tốt nghiệp THCS)" in page and "Sau lớp 12 (tốt nghiệp THPT)" in page
    assert "Cách nộp hồ sơ" in page and "Nguồn:" in page  # labour figures name their source


def test_a_school_page_gives_contacts_and_says_what_is_missing(portal):
    school = queries.get_institution("QN-VHBM")
    with portal.client() as client:
        page = text_of(client.get("/quang-ninh/QN-VHBM").text)
    assert school.name in page and (school.admission_phone or school.phone) in page
    for programme in queries.find_programmes(institution_code="QN-VHBM", limit=100):
        assert programme.name in page
    missing = [s for s in queries.find_institutions(limit=100) if not s.scholarships]
    assert missing, "the sample keeps some scholarships empty on purpose"
    with portal.client() as client:
        other = missing[0]
        from portal import addresses

        page = text_of(client.get(addresses.school_path(other.province, other.code)).text)
    assert "Học bổng của trường" in page and f"{wording.UNKNOWN} — liên hệ:" in page


def test_former_and_loose_names_redirect_to_the_current_province(portal):
    with portal.client() as client:
        for path, target in (
            ("/hai-duong", "/hai-phong"),
            ("/Hải%20Dương", "/hai-phong"),
            ("/Quảng%20Ninh", "/quang-ninh"),
            ("/hai-duong.pdf", "/hai-phong.pdf"),
            ("/hai-phong/QN-VHBM", "/quang-ninh/QN-VHBM"),
        ):
            response = client.get(path)
            assert response.status_code == 308 and response.headers["location"] == target, path
        assert client.get("/khong-phai-tinh").status_code == 404
        assert client.get("/quang-ninh/KHONG-CO").status_code == 404


def test_search_reads_unaccented_and_teencode_queries(portal):
    with portal.client() as client:
        for query, expected in (
            ("dien cn", "Điện công nghiệp"),
            ("Điện công nghiệp", "Điện công nghiệp"),
            ("truong cd viet han", "Trường Cao đẳng Việt - Hàn Bình Minh"),
            ("hocj nghef hanf o qn", "Hàn"),
        ):
            page = text_of(client.get("/tim-kiem", params={"q": query}).text)
            assert expected in page, query
        page = text_of(client.get("/tim-kiem", params={"q": "xyzzy qwerty"}).text)
        assert "Mình chưa tìm thấy gì" in page
        for odd in ("' OR 1=1 --", "🙂🙂", "a" * 5000, "<script>alert(1)</script>"):
            response = client.get("/tim-kiem", params={"q": odd})
            assert response.status_code == 200 and "<script>alert" not in response.text


def test_security_headers_and_embedding_rules(portal):
    with portal.client() as client:
        page = client.get("/quang-ninh")
        frame = client.get("/khung-chat")
        script = client.get("/nhung.js")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text  # no inline script: the CSP allows none
    assert "frame-ancestors 'self' https://truong-mau.edu.vn" in frame.headers["content-security-policy"]
    assert "x-frame-options" not in frame.headers
    assert script.status_code == 200 and "khung-chat" in script.text


def test_chat_refuses_bad_input_clearly_and_limits_each_visitor(portal, set_env):
    with portal.client() as client:
        for body, status in (
            ({"message": ""}, 400),
            ({"message": "   "}, 400),
            ({"message": "a" * 501}, 400),
            ({"text": "thiếu trường message"}, 400),
            ([1, 2], 400),
        ):
            response = client.post("/chat/gui", json=body)
            assert response.status_code == status and response.json()["error"], body
        assert client.post("/chat/gui", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
        assert client.post("/chat/gui", content=b"x" * 100_000).status_code == 413
        foreign = client.post("/chat/gui", json={"message": "chào"}, headers={"origin": "https://la.example"})
        assert foreign.status_code == 403
        allowed = client.options("/chat/gui", headers={"origin": "https://truong-mau.edu.vn"})
        assert allowed.headers["access-control-allow-origin"] == "https://truong-mau.edu.vn"
    set_env(PORTAL_CHAT_PER_MINUTE="2", RASA_URL="http://127.0.0.1:9")  # no bot there: a clear 503
    with portal.client() as client:
        answers = [client.post("/chat/gui", json={"message": "học phí ngành hàn 🙂"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 429]
    assert "thử lại" in answers[0].json()["error"] and "chờ một phút" in answers[2].json()["error"]
    assert "gdnn_cam_nang_chat" in answers[0].headers["set-cookie"].lower() or answers[0].cookies
    assert "httponly" in answers[0].headers.get("set-cookie", "httponly").lower()


def test_a_catalog_change_shows_on_the_page_and_in_the_pdf_without_a_restart(portal):
    from tests.portal.test_pdf import pdf_text

    with portal.client() as client:
        before_pdf = client.get("/quang-ninh.pdf").content
        assert "12.345.000 đ/năm" not in client.get("/quang-ninh").text
        path = portal.sample_dir / "programmes.csv"
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        row = next(r for r in rows if r["institution_code"] == "QN-VHBM" and r["level"] == "cao_dang")
        row["tuition_vnd_per_year"] = "12345000"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        importer.import_catalog(path.parent, url=portal.catalog_url, demo=True)
        deadline = time.monotonic() + 60
        while "12.345.000 đ/năm" not in client.get("/quang-ninh").text:
            assert time.monotonic() < deadline, "the change did not show within a minute"
            time.sleep(0.2)
        after_pdf = client.get("/quang-ninh.pdf").content
    assert after_pdf != before_pdf
    assert "12.345.000đ/năm" in pdf_text(after_pdf).replace(" ", "")
