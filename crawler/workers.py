"""Extraction worker processes exit when the crawl process that started them is gone.

A ``ProcessPoolExecutor`` worker waits on its task queue, whose other end the workers hold too, so a
crawl process killed with SIGKILL (by a user, the OOM killer, a container stop) would leave its workers
and their resource tracker behind for ever. Each worker watches its parent instead. Imports nothing of
Scrapy: the workers load only this module and ``crawler.core.extract``.
"""

from __future__ import annotations

import os
import threading
import time

PARENT_CHECK_SECONDS = 1.0


def exit_with_parent(parent_pid: int, interval: float = PARENT_CHECK_SECONDS) -> None:
    """Pool initializer: a daemon thread ends this worker once ``parent_pid`` is no longer its parent."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(0)  # the crawl is gone: nobody will read what this worker would extract

    threading.Thread(target=watch, name="hotline-exit-with-parent", daemon=True).start()
