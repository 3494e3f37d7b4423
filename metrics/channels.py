"""What the chat gateways count: messages taken in, sends that failed, and Zalo's outbox depth
(replies still waiting to be sent: a depth that only grows means the OA API is refusing)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

MESSAGES = Counter("gdnn_channel_messages", "Messages taken in from a platform, redeliveries excluded", ["channel"])
SEND_FAILURES = Counter("gdnn_channel_send_failures", "Sends to a platform that did not certainly arrive", ["channel", "outcome"])
OUTBOX_DEPTH = Gauge("gdnn_channel_outbox_depth", "Replies in the gateway's durable outbox, not yet sent", ["channel"])
