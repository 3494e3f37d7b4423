"""`python -m catalog …`: the operators' command line for the catalog (staff accounts:
`python -m staff`; counselling records: `python -m counselling`).

Messages are Vietnamese (the people running this are admissions and
department staff); errors go to stderr as `file:row:column: reason`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from catalog import db, exporter, importer, status
from catalog.lookups import write_lookups
from catalog.migrate import migrate
from catalog.problems import CatalogFileError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NATIONAL_DIR = Path(__file__).resolve().parent / "national"
SAMPLE_DIR = Path(__file__).resolve().parent / "sample"


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print_plan(result: importer.ImportResult, details: int) -> None:
    for name, table in result.plans.items():
        label = importer.LABELS[name]
        print(
            f"  {label}: thêm {len(table.added)}, sửa {len(table.changed)}, "
            f"xóa {len(table.removed)}, giữ nguyên {table.unchanged}"
        )
        for before, after in table.changed[:details]:
            diffs = [f"{k}: {before[k]!s} → {after[k]!s}" for k in after if before[k] != after[k]]
            key = "/".join(str(after[c]) for c in importer.schema.FILES[name].key)
            print(f"    ~ {key}: " + "; ".join(diffs))
        for removed in table.removed[:details]:
            key = "/".join(str(removed[c]) for c in importer.schema.FILES[name].key)
            print(f"    - {key}")
    print(f"  cảnh báo: {len(result.warnings)}")
    for warning in result.warnings:
        print(f"  {warning}")


def _confirm_prune(plans) -> bool:
    removed = ", ".join(f"{len(p.removed)} {importer.LABELS[n]}" for n, p in plans.items() if p.removed)
    print(f"Sẽ xóa: {removed}.")
    if not sys.stdin.isatty():
        return True
    answer = input("Tiếp tục? [c/K] ").strip().lower()
    return answer in ("c", "co", "có", "y", "yes")


def cmd_import(args) -> int:
    try:
        result = importer.import_catalog(
            args.path,
            dry_run=args.dry_run,
            prune=args.prune,
            demo=True if args.demo else None,
            progress=_progress,
            confirm=None if args.yes else _confirm_prune,
        )
    except CatalogFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        errors = sum(1 for p in error.problems if not p.warning)
        print(f"Không nạp: {errors} lỗi. Danh mục không thay đổi.", file=sys.stderr)
        return 1
    if args.dry_run:
        print("Chạy thử (--dry-run), không ghi gì. Nếu nạp thật sẽ:")
    elif not result.applied:
        print("Đã hủy, danh mục không thay đổi.")
        return 1
    else:
        print(f"Đã nạp {args.path}:")
    _print_plan(result, details=args.details)
    return 0


def cmd_export(args) -> int:
    counts = exporter.export_catalog(args.target, empty=args.empty)
    what = "mẫu trống" if args.empty else ", ".join(f"{n}: {c}" for n, c in counts.items())
    print(f"Đã xuất {args.target} ({what})")
    return 0


def cmd_migrate(_args) -> int:
    migrate()
    print("Cơ sở dữ liệu danh mục đã ở phiên bản mới nhất.")
    return 0


def cmd_load_sample(_args) -> int:
    """Load national policies and the fictional sample schools, only into an empty catalog."""
    migrate()
    current = status.catalog_status()
    if current.institutions or current.policies:
        print(f"Danh mục đã có dữ liệu ({current.describe()}); không nạp dữ liệu mẫu.")
        return 0
    for folder, demo in ((NATIONAL_DIR, None), (SAMPLE_DIR, True)):
        try:
            importer.import_catalog(folder, demo=demo, progress=None)
        except CatalogFileError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            return 1
    print(f"Đã nạp dữ liệu mẫu (DỮ LIỆU MINH HỌA): {status.catalog_status().describe()}")
    return 0


def cmd_status(_args) -> int:
    print(f"Cơ sở dữ liệu: {db.database_url().split('@')[-1]}")
    print(status.catalog_status().describe())
    return 0


def cmd_remove_institution(args) -> int:
    removed = status.remove_institution(args.code)
    if not removed:
        print(f'Không có cơ sở mã "{args.code}".', file=sys.stderr)
        return 1
    print(f'Đã xóa cơ sở "{args.code}" và các ngành, nghề của cơ sở.')
    return 0


def cmd_lookups(args) -> int:
    counts = write_lookups(args.folder)
    print(f"Đã ghi bảng tra cứu NLU vào {args.folder}: " + ", ".join(f"{n}: {c}" for n, c in counts.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m catalog", description="Danh mục giáo dục nghề nghiệp")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("migrate", help="tạo/cập nhật bảng trong cơ sở dữ liệu")
    p.set_defaults(func=cmd_migrate)

    p = commands.add_parser("import", help="nạp thư mục .csv hoặc tệp .xlsx")
    p.add_argument("path", type=Path)
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và cho biết sẽ thay đổi gì")
    p.add_argument("--prune", action="store_true", help="xóa các dòng không còn trong tệp")
    p.add_argument("--yes", action="store_true", help="không hỏi lại trước khi xóa")
    p.add_argument("--demo", action="store_true", help="đánh dấu danh mục là dữ liệu minh họa")
    p.add_argument("--details", type=int, default=20, help="số thay đổi in chi tiết mỗi bảng")
    p.set_defaults(func=cmd_import)

    p = commands.add_parser("export", help="xuất ra thư mục .csv hoặc tệp .xlsx")
    p.add_argument("target", type=Path)
    p.add_argument("--empty", action="store_true", help="chỉ xuất tiêu đề (mẫu để điền)")
    p.set_defaults(func=cmd_export)

    p = commands.add_parser("load-sample", help="nạp dữ liệu mẫu vào danh mục trống")
    p.set_defaults(func=cmd_load_sample)

    p = commands.add_parser("status", help="danh mục đang có gì")
    p.set_defaults(func=cmd_status)

    p = commands.add_parser("lookups", help="sinh bảng tra cứu NLU (tỉnh, trường, ngành) từ danh mục")
    p.add_argument("folder", type=Path, nargs="?", default=PROJECT_ROOT / "data" / "nlu" / "lookups")
    p.set_defaults(func=cmd_lookups)

    p = commands.add_parser("remove-institution", help="xóa một cơ sở và các ngành, nghề của nó")
    p.add_argument("code")
    p.set_defaults(func=cmd_remove_institution)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
