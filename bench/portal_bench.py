"""The public handbook under load (`make bench-portal`, prints figures, not a test).

1. A province of 50 schools and 500 programmes (names from bench.catalog_bench) beside the
   national policies and occupations: the time to build its PDF (goal ≤ 30 s).
2. `python -m portal serve` in its own process on that catalog; 20 clients ask for the cached
   province page at once, over keep-alive connections: p50/p95/p99 (goal p95 ≤ 50 ms).
"""

from __future__ import annotations

import csv
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pypdf

import settings
from bench.catalog_bench import NAMES, VARIANTS, percentile
from catalog import importer, schema
from catalog.migrate import migrate

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "catalog" / "national"
PROVINCE = "Thanh Hóa"
SLUG = "thanh-hoa"
SCHOOLS = 50
PER_SCHOOL = 10
CLIENTS = 20
REQUESTS_PER_CLIENT = 100


def generate(folder: Path) -> None:
    """50 schools of one province, 10 programmes each, every column a handbook shows filled in
    for most rows and left empty for some (as real offices send them)."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = ("cao_dang", "trung_cap", "trung_tam_gdnn_gdtx")
    with (folder / "institutions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["code", "name", "kind", "ownership", "province", "address", "phone", "dormitory"]
        )
        writer.writeheader()
        for i in range(SCHOOLS):
            writer.writerow(
                {
                    "code": f"TH{i:03d}",
                    "name": f"Trường Thử Nghiệm Số {i:02d}",
                    "kind": kinds[i % 3],
                    "ownership": schema.OWNERSHIPS[i % 2],
                    "province": PROVINCE,
                    "address": f"Số {i} đường Thử, Thanh Hóa",
                    "phone": "0237 000 000",
                    "dormitory": ("co", "khong", "")[i % 3],
                }
            )
    columns = ["institution_code", "code", "name", "level", "field", "duration_months", "entry_requirement"]
    columns += ["tuition_vnd_per_year", "application_deadline"]
    with (folder / "programmes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for i in range(SCHOOLS):
            for j in range(PER_SCHOOL):
                name, field = NAMES[(i + j) % len(NAMES)]
                level = schema.LEVELS[(i + j * 7) % 3]
                writer.writerow(
                    {
                        "institution_code": f"TH{i:03d}",
                        "code": f"P{j:02d}",
                        "name": name + VARIANTS[(i // 7 + j) % len(VARIANTS)],
                        "level": level,
                        "field": field,
                        "duration_months": (3, 18, 24, 30)[(i + j) % 4],
                        "entry_requirement": {"so_cap": "khong", "trung_cap": "thcs", "cao_dang": "thpt"}[level],
                        "tuition_vnd_per_year": (0, 4500000, 6000000, 9800000, 12000000, "")[(i * 3 + j) % 6],
                        "application_deadline": "2027-08-15",
                    }
                )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_pdf() -> tuple[float, int]:
    from portal import printing

    started = time.perf_counter()
    content = printing.province_pdf(PROVINCE)
    seconds = time.perf_counter() - started
    return seconds, len(pypdf.PdfReader(io.BytesIO(content)).pages)


def load(url: str) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client() -> None:
        mine = []
        with httpx.Client(base_url=url, timeout=30) as http:
            http.get(f"/{SLUG}")
            start.wait()
            for _ in range(REQUESTS_PER_CLIENT):
                began = time.perf_counter()
                response = http.get(f"/{SLUG}")
                mine.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'catalog.sqlite3'}"
        os.environ["CATALOG_DATABASE_URL"] = url
        settings.reload()
        migrate(url)
        importer.import_catalog(NATIONAL, url=url)
        generate(Path(folder) / "province")
        importer.import_catalog(Path(folder) / "province", url=url)
        print(f"Tỉnh thử: {PROVINCE}, {SCHOOLS} trường, {SCHOOLS * PER_SCHOOL} ngành (kèm chính sách, nghề toàn quốc)")

        seconds, pages = time_pdf()
        print(f"PDF của một tỉnh: {seconds:.1f} s ({pages} trang; mục tiêu ≤ 30 s)")

        port = free_port()
        env = {**os.environ, "PORTAL_PORT": str(port), "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen([sys.executable, "-m", "portal", "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            address = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(address + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    print("Trang cẩm nang không khởi động được.", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            first = time.perf_counter()
            size = len(httpx.get(f"{address}/{SLUG}", timeout=60).content)
            print(f"Trang tỉnh lần đầu (dựng và lưu): {(time.perf_counter() - first) * 1000:.0f} ms, {size // 1024} KB")
            began = time.perf_counter()
            latencies = load(address)
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=10)
        print(
            f"Trang tỉnh đã lưu, {CLIENTS} người cùng lúc, {len(latencies)} lượt: "
            f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
            f"p99 {percentile(latencies, 99):.1f} ms, {len(latencies) / elapsed:.0f} lượt/giây (mục tiêu p95 ≤ 50 ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
