"""Our extraction against bare trafilatura on real publisher pages nobody here wrote.

Runs ``../shared/realworld/score.py`` (258 Fundus publisher pages with expected bodies, trafilatura's 415
real-world assertions, CPU speed on the same pages in the same run) for ``extract_article`` and prints
its report; the last line is the summary the issue tracks:

    realworld: fundus F1 X vs bare Y (Z pages worse by >0.05, R rejected); trafilatura asserts A/415 ...

The pages stay outside this repository (their text belongs to their publishers); pass ``--data`` to use
a folder unpacked by ``score.py --unpack``. Run from the repository root:

    python -m bench.realworld [--speed] [--data /tmp/realworld] [--only Wired] [--against REV]

``--against REV`` measures the extraction of an earlier commit too (checked out in a temporary git
worktree, removed afterwards) and prints both summary lines, before and after, from the same machine
and the same hour: a speed figure is only comparable within one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORE = ROOT.parent / "shared" / "realworld" / "score.py"
TARGET = "crawler.core.extract:extract_article"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", action="store_true", help="also pages per second, ours vs bare")
    parser.add_argument("--data", help="a folder written by score.py --unpack (default: its archive)")
    parser.add_argument("--only", action="append", default=[], help="only pages whose name holds TEXT")
    parser.add_argument("--against", metavar="REV", help="also measure this earlier commit, same run")
    parser.add_argument("--score", type=Path, default=SCORE, help=f"the measuring script (default {SCORE})")
    args = parser.parse_args(argv)
    if not args.score.is_file():
        print(f"bench/realworld: {args.score} not found: put the shared folder beside the repository "
              "or pass --score PATH", file=sys.stderr)
        return 2
    command = [sys.executable, str(args.score), TARGET, "--suite", "all"]
    if args.speed:
        command.append("--speed")
    if args.data:
        command += ["--data", args.data]
    for text in args.only:
        command += ["--only", text]
    if not args.against:
        return subprocess.run(command, cwd=ROOT, check=False).returncode
    return before_and_after(command, args.against)


def before_and_after(command: list[str], revision: str) -> int:
    """Run ``command`` in a worktree of ``revision``, then here; print both summary lines."""
    lines = {}
    with tempfile.TemporaryDirectory(prefix="hotline-before-") as folder:
        tree = Path(folder) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=ROOT, check=True)
        try:
            for label, where in ((f"before ({revision})", tree), ("after (working tree)", ROOT)):
                env = {**os.environ, "PYTHONPATH": str(where)}
                done = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True)
                print(f"== {label}\n{done.stdout}", flush=True)
                lines[label] = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    for label, line in lines.items():
        print(f"{label:28s} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
