"""The printable handbook: one PDF per province from the same section templates as the page,
set in Be Vietnam Pro (a packaged font with every Vietnamese letter) by WeasyPrint, with QR
codes to the bot (segno, pure Python).

Nothing is fetched while printing: the font comes from the installed package, QR codes are
data: URIs, and the URL fetcher refuses anything that is not a local file or data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import fontpkg_be_vietnam_pro
import segno
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

import settings
from catalog import provinces
from portal import addresses, handbook, rendering, wording

STATIC = Path(__file__).resolve().parent / "static"
FONT_DIR = fontpkg_be_vietnam_pro.ROOT / "files"
FONT_FACES = {("normal", 400): "Regular", ("normal", 700): "Bold", ("italic", 400): "Italic"}


def local_only() -> URLFetcher:
    """A fetcher that opens local files and data: URIs and refuses every network address."""
    return URLFetcher(allowed_protocols={"file", "data"})


def font_css() -> str:
    faces = []
    for (style, weight), name in FONT_FACES.items():
        path = (FONT_DIR / f"BeVietnamPro-{name}.ttf").as_uri()
        faces.append(
            f'@font-face {{ font-family: "Be Vietnam Pro"; font-style: {style}; font-weight: {weight}; src: url("{path}"); }}'
        )
    return "\n".join(faces)


def qr_codes(book: handbook.ProvinceHandbook) -> list[dict]:
    """[{"label", "link", "image"}]: the bot on Telegram and Zalo (when configured) and this
    province's page, where the chat box is."""
    config = settings.get()
    links = [
        ("Hỏi bot trên Telegram", config.portal_telegram_link),
        ("Hỏi bot trên Zalo", config.portal_zalo_link),
        ("Cẩm nang trên mạng (có khung chat)", config.portal_base_url + addresses.province_path(book.province)),
    ]
    return [
        {"label": label, "link": link, "image": segno.make(link, error="m").svg_data_uri(scale=4, border=2)}
        for label, link in links
        if link
    ]


def margin_css(book: handbook.ProvinceHandbook) -> str:
    """Every page but the cover names the province, and a sample handbook says so on each page."""
    title = f"Cẩm nang chọn nghề – chọn trường {book.province}".replace('"', "")
    rules = [f'@top-right {{ content: "{title}"; }}']
    if book.is_demo:
        rules.append(f'@top-left {{ content: "{wording.SAMPLE_LABEL}"; }}')
    return "@page { " + " ".join(rules) + " }"


def build_pdf(book: handbook.ProvinceHandbook) -> bytes:
    html = rendering.render_text("handbook_pdf.html", book=book, qr_codes=qr_codes(book), printed=dt.date.today())
    fonts = FontConfiguration()
    styles = [
        CSS(string=font_css(), font_config=fonts),
        CSS(filename=str(STATIC / "print.css"), font_config=fonts),
        CSS(string=margin_css(book), font_config=fonts),
    ]
    return HTML(string=html, base_url=str(STATIC) + "/", url_fetcher=local_only()).write_pdf(
        stylesheets=styles, font_config=fonts
    )


def province_pdf(province: str) -> bytes:
    return build_pdf(handbook.province_handbook(province))


def build_command(args: argparse.Namespace) -> int:
    """`python -m portal build --province X --out FILE.pdf` or `--all DIR`."""
    if args.province:
        match = addresses.resolve_province(args.province)
        if match is None:
            print(f"Không có tỉnh, thành phố nào tên {args.province!r}.", file=sys.stderr)
            return 2
        out = Path(args.out or f"{addresses.province_slug(match.name)}.pdf")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(province_pdf(match.name))
        print(f"{match.name}: {out}")
        return 0
    folder = Path(args.all)
    folder.mkdir(parents=True, exist_ok=True)
    for name in provinces.current_names():
        out = folder / f"{addresses.province_slug(name)}.pdf"
        out.write_bytes(province_pdf(name))
        print(f"{name}: {out}")
    return 0
