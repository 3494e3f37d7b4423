"""Prometheus metrics of the .venv services (prometheus-client): the endpoint every process
serves (`metrics.endpoint`) and, per service, the metrics it counts (`metrics.turns` for the
action server, `metrics.channels` for the gateways, `metrics.reminders` for the notifier,
`metrics.catalog_changes` for the staff service, `metrics.portal_requests` for the handbook).

Why a package of its own: the action server may not import `bot` and the gateways may not
import `catalog` (docs/architecture.md), yet every service needs the same endpoint with the
same access rule. It imports only `settings`; each service imports only its own module, so a
process exposes only what it counts.
"""
