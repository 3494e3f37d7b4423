"""What the public handbook counts: requests per kind of page and their time, as a whole
(per page path would be one series per school, too many to keep)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("gdnn_portal_requests", "Handbook requests", ["kind", "status"])
SECONDS = Histogram("gdnn_portal_request_seconds", "Handbook request time", ["kind"])


def kind_of(path: str) -> str:
    """The first path segment ("tinh", "truong", "chat"…), or "home"."""
    first = path.strip("/").split("/", 1)[0]
    return first[:32] if first else "home"
