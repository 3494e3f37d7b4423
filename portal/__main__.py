"""`python -m portal serve` (the public handbook on PORTAL_HOST:PORTAL_PORT) and
`python -m portal build --province X --out FILE.pdf` / `--all DIR` (the printed handbooks)."""

from __future__ import annotations

import argparse
import sys

import settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal", description="Cẩm nang chọn nghề – chọn trường")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="chạy trang cẩm nang công khai")
    build = commands.add_parser("build", help="in cẩm nang ra PDF")
    which = build.add_mutually_exclusive_group(required=True)
    which.add_argument("--province", help="tên tỉnh, thành phố (tên cũ, không dấu đều được)")
    which.add_argument("--all", metavar="THU_MUC", help="in mọi tỉnh, thành phố vào thư mục này")
    build.add_argument("--out", metavar="TEP.pdf", help="tệp PDF (với --province)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        import uvicorn

        from catalog.migrate import migrate
        from metrics.endpoint import serve_metrics
        from portal.app import create_app

        config = settings.get()
        migrate()
        serve_metrics(config.portal_metrics_port, "cẩm nang công khai")
        print(f"Cẩm nang công khai: http://{config.portal_host}:{config.portal_port}/", flush=True)
        uvicorn.run(create_app(), host=config.portal_host, port=config.portal_port, log_level="warning", access_log=False)
        return 0
    from portal.printing import build_command

    return build_command(args)


if __name__ == "__main__":
    sys.exit(main())
