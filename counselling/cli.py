"""`python -m counselling report gaps | usage | requests … | privacy purge | export-labelled`: the counsellors' command line."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from catalog.migrate import migrate
from catalog.vietnam_time import vietnam_time
from counselling import conversation_log, handoff, labels, privacy, reminders, tracker_purge, usage_counts, usage_report

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CHART = PROJECT_ROOT / "var" / "reports" / "tin-nhan-moi-ngay.png"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"Ngày không hợp lệ: {value} (dạng NĂM-THÁNG-NGÀY, ví dụ 2026-11-16)") from None


def cmd_gaps(args) -> int:
    migrate()
    since = args.since or (usage_counts.today() - dt.timedelta(days=7))
    groups = conversation_log.gaps(since, limit=args.top)
    counts = conversation_log.daily_counts(since)
    answered = sum(a for _, a, _ in counts)
    unanswered = sum(u for _, _, u in counts)
    total = answered + unanswered
    print(
        f"Từ {since:%d/%m/%Y}: {total} tin nhắn, {unanswered} chưa trả lời được"
        + (f" ({unanswered / total:.0%})" if total else "")
        + "."
    )
    if not groups:
        print("Không có câu hỏi nào chưa trả lời được.")
    for index, group in enumerate(groups, start=1):
        kinds = ", ".join(f"{conversation_log.KINDS.get(k, k)}: {n}" for k, n in sorted(group.kinds.items()))
        head = f"{group.count} câu về {group.subject}" if group.subject else f"{group.count} lần"
        print(f"{index:>3}. [{head}] {group.example}  ({kinds}; ý định gần nhất: {group.top_intent or '—'})")
        for variant in group.variants[1:]:
            print(f"       ~ {variant}")
    chart = conversation_log.write_chart(args.chart, counts)
    print(f"Biểu đồ: {chart}")
    return 0


def cmd_usage(args) -> int:
    """The department's usage report, the same figures as the /bao-cao page and its CSV."""
    migrate()
    try:
        report = usage_report.usage(args.since, args.until, retention_days=privacy.retention_days())
    except usage_report.BadPeriod as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    for line in usage_report.as_text(report):
        print(line)
    if args.csv:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        args.csv.write_bytes(usage_report.to_csv(report))
        print(f"Tệp CSV: {args.csv}")
    return 0


def cmd_requests_list(args) -> int:
    migrate()
    rows = handoff.list_requests(status=args.status)
    if not rows:
        print("Không có yêu cầu nào.")
    for r in rows:
        route = r["institution_name"] or r["institution_code"] or r["province"] or "chưa rõ"
        print(
            f"#{r['id']:<5} {vietnam_time(r['created_at'])}  {r['status_text']:<11} {r['contact']:<11} "
            f"{r['channel_name']:<10} {route[:40]:<40} {r['question'][:60]}"
            + (f"  (nhận: {r['claimed_by']})" if r["claimed_by"] else "")
        )
    return 0


def cmd_requests_claim(args) -> int:
    migrate()
    r = handoff.claim(args.id, args.by)
    print(f"Đã nhận yêu cầu #{r['id']}: gọi {r['contact']}.")
    return 0


def cmd_requests_close(args) -> int:
    migrate()
    handoff.close(args.id, args.by, args.note)
    print(f"Đã đóng yêu cầu #{args.id}.")
    return 0


def cmd_purge(args) -> int:
    migrate()
    days = args.days if args.days is not None else privacy.retention_days()
    removed = conversation_log.purge(days)
    removed["rasa_conversations"] = tracker_purge.purge(days)
    removed["reminder_subscriptions"] = reminders.purge(days)
    print(f"Đã xóa dữ liệu cũ hơn {days} ngày: " + ", ".join(f"{k}: {v}" for k, v in removed.items()))
    return 0


def cmd_export_labelled(args) -> int:
    migrate()
    try:
        result = labels.export(args.out)
    except labels.NotOurFile:
        print(f"Lỗi: {args.out} đã có và không do lệnh này tạo ra; không ghi đè. Chọn tệp khác bằng --out.", file=sys.stderr)
        return 2
    print(f"Đã ghi {result.written} câu ({len(result.examples)} ý định) vào {result.path}.")
    for intent, texts in result.examples.items():
        print(f"  {intent}: {len(texts)}")
    if result.kept:
        print(f"  (trong đó {result.kept} câu giữ lại từ lần ghi trước: câu hỏi gốc đã bị xóa theo thời hạn lưu)")
    skipped = []
    if result.already_known:
        skipped.append(f"{result.already_known} câu đã có trong data/nlu")
    if result.duplicates:
        skipped.append(f"{result.duplicates} câu trùng")
    if result.unknown:
        names = ", ".join(sorted(result.unknown))
        skipped.append(f"{sum(result.unknown.values())} câu có ý định không còn trong domain.yml ({names})")
    if skipped:
        print("Bỏ qua: " + "; ".join(skipped) + ".")
    print("Huấn luyện lại để bot học các câu này: make train (rồi khởi động lại Rasa).")
    return 0


def add_parsers(commands) -> None:
    report = commands.add_parser("report", help="báo cáo cho người tư vấn")
    sub = report.add_subparsers(dest="report_command", required=True)
    p = sub.add_parser("gaps", help="câu hỏi bot chưa trả lời được, gom theo điều được hỏi")
    p.add_argument("--since", type=_date, help="từ ngày (NĂM-THÁNG-NGÀY); mặc định 7 ngày trước")
    p.add_argument("--top", type=int, default=30, help="số nhóm in ra")
    p.add_argument("--chart", type=Path, default=DEFAULT_CHART, help="tệp PNG biểu đồ theo ngày")
    p.set_defaults(func=cmd_gaps)
    p = sub.add_parser("usage", help="báo cáo sử dụng cho Sở: câu hỏi theo ngày, kênh, chủ đề, tỉnh, nghề, trường; gọi lại")
    p.add_argument("--since", type=_date, help="từ ngày (NĂM-THÁNG-NGÀY, giờ Việt Nam); mặc định 6 ngày trước --until")
    p.add_argument("--until", type=_date, help="đến hết ngày (NĂM-THÁNG-NGÀY, giờ Việt Nam); mặc định hôm nay")
    p.add_argument("--csv", type=Path, help="ghi thêm tệp CSV (như nút Tải CSV của trang /bao-cao)")
    p.set_defaults(func=cmd_usage)

    requests = commands.add_parser("requests", help="yêu cầu gặp người tư vấn")
    sub = requests.add_subparsers(dest="requests_command", required=True)
    p = sub.add_parser("list", help="liệt kê")
    p.add_argument("--status", choices=tuple(handoff.STATUSES))
    p.set_defaults(func=cmd_requests_list)
    p = sub.add_parser("claim", help="nhận xử lý một yêu cầu")
    p.add_argument("id", type=int)
    p.add_argument("--by", required=True, help="tên người tư vấn")
    p.set_defaults(func=cmd_requests_claim)
    p = sub.add_parser("close", help="đóng yêu cầu đã xử lý")
    p.add_argument("id", type=int)
    p.add_argument("--by", required=True)
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_requests_close)

    privacy_parser = commands.add_parser("privacy", help="dữ liệu cá nhân")
    sub = privacy_parser.add_subparsers(dest="privacy_command", required=True)
    p = sub.add_parser("purge", help="xóa dữ liệu hội thoại cũ hơn thời hạn lưu")
    p.add_argument("--days", type=int, help=f"mặc định PRIVACY_RETENTION_DAYS ({privacy.DEFAULT_RETENTION_DAYS})")
    p.set_defaults(func=cmd_purge)

    p = commands.add_parser(
        "export-labelled", help="ghi các câu hỏi người tư vấn đã gán nhãn thành dữ liệu huấn luyện NLU của Rasa"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=labels.DEFAULT_EXPORT,
        help=f"tệp YAML ghi ra (mặc định {labels.DEFAULT_EXPORT.relative_to(PROJECT_ROOT)})",
    )
    p.set_defaults(func=cmd_export_labelled)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m counselling",
        description="Hồ sơ tư vấn: câu hỏi chưa trả lời, nhãn của người tư vấn, yêu cầu gọi lại, dữ liệu cá nhân",
    )
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except handoff.HandoffError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
