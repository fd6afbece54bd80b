"""The daemon's own resident memory over many scheduled crawls (each crawl is its own process).

    python bench/daemon_memory.py [--crawls 200]

Runs ``hotline run`` against the newsroom fixture site on 127.0.0.1 with two sources polled every
second, samples the daemon process's VmRSS as runs accumulate, and prints the figures and the ratio of
the last sample to the one after the first ten crawls (flat memory: a ratio near 1.0).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import SITES, SiteServer  # noqa: E402
from tests.daemonproc import DaemonProcess, rss_kb, runs, write_config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crawls", type=int, default=200)
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
            for target in range(10, args.crawls + 1, step):
                daemon.wait_for(lambda t=target: len(runs(daemon.data)) >= t, 30 * step, f"{target} crawls")
                done, rss = len(runs(daemon.data)), rss_kb(daemon.proc.pid)
                samples.append((done, rss))
                print(f"after {done:4d} crawls: daemon RSS {rss / 1024:6.1f} MiB", flush=True)
        finally:
            daemon.stop()
            site.close()
    first, last = samples[0][1], samples[-1][1]
    print(f"RSS after {samples[0][0]} crawls {first / 1024:.1f} MiB, after {samples[-1][0]} crawls "
          f"{last / 1024:.1f} MiB: ratio {last / first:.3f} (flat: ~1.0)")


if __name__ == "__main__":
    main()
