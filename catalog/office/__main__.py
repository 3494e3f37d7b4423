"""`python -m catalog.office`: serve the admissions offices' pages and API.

OFFICE_HOST (default 127.0.0.1) and OFFICE_PORT (default 8090); put it behind
HTTPS (a reverse proxy) in production and set OFFICE_TRUST_PROXY=1 there.
"""

import os

import uvicorn

from catalog.office.app import create_app

if __name__ == "__main__":
    uvicorn.run(
        create_app(),
        host=os.environ.get("OFFICE_HOST", "127.0.0.1"),
        port=int(os.environ.get("OFFICE_PORT", "8090")),
        log_level="warning",
        access_log=False,  # URLs carry no secrets, but keep logs free of personal data by default
        proxy_headers=os.environ.get("OFFICE_TRUST_PROXY") == "1",
    )
