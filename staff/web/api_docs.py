"""The API's description — /openapi.json for scripts and /docs to read it — for administrators only.

Why not public: it maps every endpoint and parameter for whoever probes the service; a
school's script author gets it from the department's administrator. Anyone else gets the
same 404 as an unknown address, so the service does not even say it is there.
/docs is rendered here, without Swagger UI: that loads its scripts from a CDN, which the
pages' Content-Security-Policy (scripts from this site only) rightly forbids.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from staff.accounts import Actor
from staff.web.auth import admin_or_none
from staff.web.rendering import render

METHODS = ("get", "post", "put", "patch", "delete")


def _admin(request: Request) -> Actor:
    actor = admin_or_none(request)
    if actor is None:
        raise HTTPException(404)  # answered like any unknown address (staff.web.errors)
    return actor


Admin = Annotated[Actor, Depends(_admin)]
router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
def openapi(request: Request, _actor: Admin):
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def docs(request: Request, _actor: Admin):
    spec = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", ""), "description": op.get("description", "")}
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]
    return render(request, "api_docs.html", spec=spec, operations=operations)
