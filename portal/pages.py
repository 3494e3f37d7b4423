"""The public pages: choose a province, a province's handbook and its PDF, a school, an
occupation, the search, and the chat frame other sites embed.

Pages are rendered once per catalog version and kept (portal.freshness); a name that is not
the canonical one (a former province, diacritics, a short form) is redirected permanently (308).
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from catalog import queries
from portal import addresses, handbook, printing, search
from portal.freshness import VersionedCache
from portal.rendering import render_text

router = APIRouter()
STATIC = Path(__file__).resolve().parent / "static"
PAGE_CACHE = "public, max-age=30"  # browsers and proxies may keep a page 30 s; the portal rebuilds on change


def cache(request: Request) -> VersionedCache:
    return request.app.state.cache


def _html(body: str | bytes, status: int = 200) -> Response:
    content = body.encode("utf-8") if isinstance(body, str) else body
    return Response(content, status_code=status, media_type="text/html; charset=utf-8", headers={"cache-control": PAGE_CACHE})


@dataclass(frozen=True)
class Prepared:
    """A page or PDF as it is sent: its bytes, gzipped once, and its ETag."""

    content: bytes
    zipped: bytes | None
    etag: str

    @classmethod
    def of(cls, content: bytes, compress: bool = True) -> Prepared:
        zipped = gzip.compress(content, 6) if compress and content else None
        return cls(content, zipped, '"' + hashlib.sha256(content).hexdigest()[:20] + '"')


def _etagged(request: Request, page: Prepared, media_type: str, extra: dict | None = None) -> Response:
    headers = {"etag": page.etag, "cache-control": PAGE_CACHE, "vary": "Accept-Encoding", **(extra or {})}
    if request.headers.get("if-none-match") == page.etag:
        return Response(status_code=304, headers=headers)
    if page.zipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(page.zipped, media_type=media_type, headers={**headers, "content-encoding": "gzip"})
    return Response(page.content, media_type=media_type, headers=headers)


async def _kept(request: Request, key: tuple, build, compress: bool = True) -> Prepared:
    """The prepared page for `key` at the current catalog version: from memory without a thread
    hop when it is there, else built (once) in a worker thread."""
    found = cache(request).peek(key)
    if found is None:
        found = await run_in_threadpool(cache(request).get, key, lambda: Prepared.of(build(), compress))
    return found


def not_found(message: str) -> Response:
    return _html(render_text("not_found.html", message=message, is_demo=handbook.is_demo(), updated=queries.last_changed()), 404)


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=308)


@router.get("/", include_in_schema=False)
async def home(request: Request):
    def build() -> bytes:
        return render_text(
            "index.html",
            provinces=handbook.provinces_index(),
            is_demo=handbook.is_demo(),
            updated=queries.last_changed(),
        ).encode()

    return _etagged(request, await _kept(request, ("home",), build), "text/html; charset=utf-8")


@router.get("/healthz", include_in_schema=False)
def healthz():
    return {"ok": True}


@router.get("/favicon.ico", include_in_schema=False)
def favicon():
    return Response(status_code=204)


@router.get("/nhung.js", include_in_schema=False)
def embed_script():
    return FileResponse(STATIC / "nhung.js", media_type="text/javascript", headers={"cache-control": "public, max-age=3600"})


@router.get("/khung-chat", include_in_schema=False)
async def chat_frame(request: Request):
    def build() -> bytes:
        return render_text("chat_frame.html", is_demo=handbook.is_demo()).encode()

    return _etagged(request, await _kept(request, ("frame",), build), "text/html; charset=utf-8")


@router.get("/tim-kiem", include_in_schema=False)
async def search_page(request: Request, q: str = ""):
    query = search.clean(q)

    def build() -> bytes:
        results = search.search(query) if query else search.Results(query)
        return render_text(
            "search.html", query=query, results=results, is_demo=handbook.is_demo(), updated=queries.last_changed()
        ).encode()

    return _etagged(request, await _kept(request, ("search", query), build), "text/html; charset=utf-8")


@router.get("/nghe/{code}", include_in_schema=False)
async def occupation(request: Request, code: str):
    def build() -> bytes | None:
        page = handbook.occupation_page(code)
        if page is None:
            return None
        return render_text("occupation.html", page=page, is_demo=page.is_demo, updated=page.updated).encode()

    page = await _kept(request, ("nghe", code), lambda: build() or b"")
    if page.content:
        return _etagged(request, page, "text/html; charset=utf-8")
    found = await run_in_threadpool(queries.find_occupation, code.replace("-", " ")[:100])
    if found and found.code != code:
        return _redirect(addresses.occupation_path(found.code))
    return not_found("Danh mục không có nghề này.")


@router.get("/{slug}.pdf", include_in_schema=False)
async def province_pdf(request: Request, slug: str):
    match = addresses.resolve_province(slug)
    if match is None:
        return not_found("Không có tỉnh, thành phố này.")
    if addresses.province_slug(match.name) != slug:
        return _redirect(addresses.pdf_path(match.name))
    content = await _kept(request, ("pdf", match.name), lambda: printing.province_pdf(match.name), compress=False)
    filename = f"cam-nang-{slug}.pdf"
    return _etagged(request, content, "application/pdf", {"content-disposition": f'inline; filename="{filename}"'})


@router.get("/{slug}", include_in_schema=False)
async def province(request: Request, slug: str):
    match = addresses.resolve_province(slug)
    if match is None:
        return not_found("Không có tỉnh, thành phố này. Bạn chọn trong danh sách ở trang đầu nhé.")
    if addresses.province_slug(match.name) != slug:
        return _redirect(addresses.province_path(match.name))

    def build() -> bytes:
        book = handbook.province_handbook(match.name)
        return render_text("province.html", book=book, is_demo=book.is_demo, updated=book.updated).encode()

    return _etagged(request, await _kept(request, ("tinh", match.name), build), "text/html; charset=utf-8")


@router.get("/{slug}/{code}", include_in_schema=False)
async def school(request: Request, slug: str, code: str):
    def build() -> bytes:
        page = handbook.school_page(code)
        if page is None:
            return b""
        return render_text("school.html", page=page, is_demo=page.is_demo, updated=page.updated).encode()

    content = await _kept(request, ("truong", code), build)
    if not content.content:
        return not_found("Danh mục không có trường này.")
    school_info = await run_in_threadpool(queries.get_institution, code)
    if school_info is not None and addresses.province_slug(school_info.province) != slug:
        return _redirect(addresses.school_path(school_info.province, code))
    return _etagged(request, content, "text/html; charset=utf-8")
