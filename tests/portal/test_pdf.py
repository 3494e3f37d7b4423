"""The printed handbook: its text holds every school, programme fee and policy of the province
exactly as the catalog writes them, the sample label on every page, the date and the QR links;
`python -m portal build` writes the same file. The first two pages are kept as images."""

from __future__ import annotations

import io
import re

import pypdf
import pypdfium2

from catalog import queries
from portal import __main__ as cli
from portal import wording
from tests.portal.conftest import ARTIFACTS


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(pdf_pages(content)).split())


def squeezed(text: str) -> str:
    """Text without any white space: a table cell may wrap a name onto two lines."""
    return re.sub(r"\s+", "", text)


def test_the_pdf_holds_every_school_fee_and_policy_as_the_catalog_writes_them(portal):
    with portal.client() as client:
        response = client.get("/quang-ninh.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pages = pdf_pages(response.content)
    text = squeezed(" ".join(pages))
    for school in queries.find_institutions(province="Quảng Ninh", limit=100):
        assert squeezed(school.name) in text, school.name
    for programme in queries.find_programmes(province="Quảng Ninh", limit=1000):
        assert squeezed(f"{programme.name}") in text and squeezed(wording.tuition(programme)) in text, programme.name
    for policy in queries.find_policies(province="Quảng Ninh"):
        for part in (policy.title, policy.legal_basis, policy.benefit):
            assert squeezed(part) in text, part
    assert all("DỮ LIỆU MINH HỌA" in page for page in pages)
    assert "Cậpnhậtngày" in text and "Mụclục" in text and "Trang2/" in text
    assert "t.me/cam_nang_mau_bot" in text and "zalo.me/0000000000" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(response.content)
    for index in (0, 1):
        document[index].render(scale=1.5).to_pil().save(ARTIFACTS / f"cam-nang-quang-ninh-trang-{index + 1}.png")


def test_the_build_command_prints_one_province_by_any_of_its_names(portal, tmp_path, capsys):
    out = tmp_path / "hp.pdf"
    assert cli.main(["build", "--province", "hai duong", "--out", str(out)]) == 0
    text = squeezed(" ".join(pdf_pages(out.read_bytes())))
    assert "Hải Phòng: " in capsys.readouterr().out
    for school in queries.find_institutions(province="Hải Phòng", limit=100):
        assert squeezed(school.name) in text
    assert cli.main(["build", "--province", "Không Có Tỉnh", "--out", str(out)]) == 2
