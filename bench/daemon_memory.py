"""The daemon's own resident memory over many scheduled crawls (each crawl is its own process).

    python3 -m bench.daemon_memory [--crawls 200]

Runs ``hotline run`` against the newsroom fixture site on 127.0.0.1 with two sources polled every
second, samples the daemon process's VmRSS after the first 4 crawls (start-up done) and then as runs
accumulate, and prints the figures, the growth and the ratio of the last sample to the first (flat
memory: a ratio near 1.0). Exits 1 when the daemon grew by ``--max-growth`` MiB or more (15 MiB: the
bound the test suite checked over 14 crawls before this benchmark replaced that test).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.conftest import SITES, SiteServer
from tests.daemonproc import DaemonProcess, rss_kb, runs, write_config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crawls", type=int, default=200)
    parser.add_argument("--max-growth", type=float, default=15.0, help="MiB the daemon may grow by")
    args = parser.parse_args()
    site = SiteServer(SITES / "newsroom")
    sources = "".join(
        f'\n[[sources]]\nname = "newsroom-{n}"\nkind = "feed"\nurl = "{site.url}/{n}.xml"\nevery = "1s"\n'
        for n in ("rss", "atom")
    )
    samples: list[tuple[int, int]] = []
    with tempfile.TemporaryDirectory(prefix="hotline-mem-") as tmp:
        daemon = DaemonProcess(write_config(Path(tmp), site, sources=sources))
        try:
            step = max(10, args.crawls // 10)
            for target in sorted({4, *range(step, args.crawls, step), args.crawls}):
                daemon.wait_for(lambda t=target: len(runs(daemon.data)) >= t, 30 * step, f"{target} crawls")
                done, rss = len(runs(daemon.data)), rss_kb(daemon.proc.pid)
                samples.append((done, rss))
                print(f"after {done:4d} crawls: daemon RSS {rss / 1024:6.1f} MiB", flush=True)
        finally:
            daemon.stop()
            site.close()
    first, last = samples[0][1], samples[-1][1]
    growth = (last - first) / 1024
    print(f"RSS after {samples[0][0]} crawls {first / 1024:.1f} MiB, after {samples[-1][0]} crawls "
          f"{last / 1024:.1f} MiB: grew {growth:.1f} MiB, ratio {last / first:.3f} (flat: ~1.0)")
    if growth >= args.max_growth:
        print(f"daemon memory grew by {growth:.1f} MiB: not flat (bound {args.max_growth:g} MiB)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
