"""``python -m crawler`` is the ``hotline`` command (for environments without the console script)."""

from crawler.cli import main

main()
