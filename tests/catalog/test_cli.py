"""`python -m catalog …` as operators run it: exit status, messages, summaries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.catalog.conftest import NATIONAL_DIR, SAMPLE_DIR, institution, programme

ROOT = Path(__file__).resolve().parents[2]


def run(url: str, *args: str, stdin: str | None = None, module: str = "catalog") -> subprocess.CompletedProcess:
    """`python -m MODULE ARGS…` on the given catalog, as an operator runs it."""
    env = {**os.environ, "CATALOG_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_import_reports_every_error_and_exits_non_zero(catalog_url, make_catalog):
    folder = make_catalog(institutions=[institution(kind="x")], programmes=[programme(level="y")])
    result = run(catalog_url, "import", str(folder))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith('institutions.csv:2:kind: giá trị "x" không hợp lệ')
    assert lines[1].startswith('programmes.csv:2:level: giá trị "y" không hợp lệ')
    assert lines[-1] == "Không nạp: 2 lỗi. Danh mục không thay đổi."
    assert "Traceback" not in result.stderr


def test_import_summary_and_idempotence(catalog_url):
    national = run(catalog_url, "import", str(NATIONAL_DIR))
    assert "nghề: thêm 48" in national.stdout, national.stderr
    first = run(catalog_url, "import", str(SAMPLE_DIR))
    assert first.returncode == 0, first.stderr
    assert "cơ sở đào tạo: thêm 14, sửa 0, xóa 0, giữ nguyên 0" in first.stdout
    assert "ngành, nghề: thêm 69, sửa 0, xóa 0, giữ nguyên 0" in first.stdout
    second = run(catalog_url, "import", str(SAMPLE_DIR))
    assert "ngành, nghề: thêm 0, sửa 0, xóa 0, giữ nguyên 69" in second.stdout


def test_import_reads_dates_labels_and_money_as_people_type_them_and_export_writes_codes(catalog_url, make_catalog, tmp_path):
    folder = make_catalog(
        institutions=[institution(kind="Cao đẳng", ownership="Công lập", dormitory="Có")],
        programmes=[
            programme(
                level="cao dang",
                field="Điện - Điện tử",
                entry_requirement="THPT",
                tuition_vnd_per_year="10.500.000 đ",
                application_deadline="31/08/2027",
                intake_start="6-9-2027",
            )
        ],
    )
    result = run(catalog_url, "import", str(folder))
    assert result.returncode == 0, result.stderr
    assert run(catalog_url, "export", str(tmp_path / "out")).returncode == 0
    exported = (tmp_path / "out" / "programmes.csv").read_text(encoding="utf-8-sig").splitlines()
    assert exported[1].startswith("QN-A,6520227,Điện công nghiệp,cao_dang,dien_dien_tu,30,thpt,10500000,,,2027-08-31,")
    assert exported[1].endswith(",2027-09-06")  # intake_start, the only v1.1 column in use
    institutions = (tmp_path / "out" / "institutions.csv").read_text(encoding="utf-8-sig").splitlines()
    assert (
        institutions[1].startswith("QN-A,Trường Cao đẳng Thử Nghiệm A,cao_dang,cong_lap,Quảng Ninh,")
        and ",co," in institutions[1]
    )

    ambiguous = make_catalog(programmes=[programme(tuition_vnd_per_year="10,5")])
    refused = run(catalog_url, "import", str(ambiguous))
    assert refused.returncode == 1
    assert refused.stderr.startswith('programmes.csv:2:tuition_vnd_per_year: số tiền "10,5" có phần thập phân')


def test_dry_run_prune_shows_removals(catalog_url, make_catalog):
    run(
        catalog_url,
        "import",
        str(make_catalog(institutions=[institution()], programmes=[programme(), programme(code="P2", name="Hàn")])),
    )
    folder = make_catalog(programmes=[programme(tuition_vnd_per_year="10000000")])
    result = run(catalog_url, "import", str(folder), "--prune", "--dry-run")
    assert result.returncode == 0
    assert "Chạy thử (--dry-run), không ghi gì." in result.stdout
    assert "ngành, nghề: thêm 0, sửa 1, xóa 1, giữ nguyên 0" in result.stdout
    assert "tuition_vnd_per_year: 9800000 → 10000000" in result.stdout
    assert "    - QN-A/P2" in result.stdout
    status = run(catalog_url, "status")
    assert "1 cơ sở, 2 ngành/nghề" in status.stdout


def test_prune_prints_the_count_before_applying(catalog_url, make_catalog):
    run(
        catalog_url,
        "import",
        str(make_catalog(institutions=[institution()], programmes=[programme(), programme(code="P2", name="Hàn")])),
    )
    result = run(catalog_url, "import", str(make_catalog(programmes=[programme()])), "--prune")
    assert result.returncode == 0
    assert result.stdout.index("Sẽ xóa: 1 ngành, nghề.") < result.stdout.index("Đã nạp")
    assert "1 cơ sở, 1 ngành/nghề" in run(catalog_url, "status").stdout


def test_load_sample_only_into_an_empty_catalog_and_marks_demo(catalog_url, make_catalog):
    result = run(catalog_url, "load-sample")
    assert result.returncode == 0
    assert "14 cơ sở, 69 ngành/nghề, 7 sự kiện, 15 chính sách — DỮ LIỆU MINH HỌA (demo)" in result.stdout
    again = run(catalog_url, "load-sample")
    assert "không nạp dữ liệu mẫu" in again.stdout


def test_load_sample_does_not_touch_a_real_catalog(catalog_url, make_catalog):
    run(catalog_url, "import", str(make_catalog(institutions=[institution()])))
    run(catalog_url, "load-sample")
    status = run(catalog_url, "status").stdout
    assert "1 cơ sở, 0 ngành/nghề" in status and "MINH HỌA" not in status


def test_export_and_template(catalog_url, tmp_path):
    run(catalog_url, "load-sample")
    result = run(catalog_url, "export", str(tmp_path / "out"))
    assert result.returncode == 0 and "programmes: 69" in result.stdout
    template = run(catalog_url, "export", "--empty", str(tmp_path / "mau.xlsx"))
    assert template.returncode == 0 and (tmp_path / "mau.xlsx").stat().st_size > 0


def test_remove_institution(catalog_url):
    run(catalog_url, "load-sample")
    assert run(catalog_url, "remove-institution", "QN-VHBM").returncode == 0
    assert "13 cơ sở, 63 ngành/nghề" in run(catalog_url, "status").stdout
    assert run(catalog_url, "remove-institution", "QN-VHBM").returncode == 1


def test_missing_path(catalog_url, tmp_path):
    result = run(catalog_url, "import", str(tmp_path / "khong-co"))
    assert result.returncode == 1 and "không tìm thấy" in result.stderr
