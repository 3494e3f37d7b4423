"""What the staff service reports about the catalog: import runs (change sets) per kind.

Read from the database at each scrape rather than counted in the process: imports also run
from the command line (`python -m catalog import`), in processes nobody scrapes, and a
restart of the staff service must not reset the figure."""

from __future__ import annotations

import logging
from collections.abc import Callable

from prometheus_client.core import REGISTRY, CounterMetricFamily

log = logging.getLogger("metrics")


class CatalogChanges:
    def __init__(self, counts: Callable[[], dict[str, int]]):
        self.counts = counts

    def describe(self):
        return []  # no probe at registration: the database is read at scrape time only

    def collect(self):
        family = CounterMetricFamily(
            "gdnn_catalog_import_runs", "Catalog change sets (imports, office uploads, rollbacks) per kind", labels=["kind"]
        )
        try:
            for kind, count in sorted(self.counts().items()):
                family.add_metric([kind], count)
        except Exception as error:  # the database away: the scrape says so by the missing series
            log.warning("catalog change counts not read: %s", type(error).__name__)
        yield family


def register(counts: Callable[[], dict[str, int]]) -> None:
    REGISTRY.register(CatalogChanges(counts))
