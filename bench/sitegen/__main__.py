"""``python3 -m bench.sitegen --pages 200 --out /tmp/site``."""

import sys

from bench.sitegen.cli import main

sys.exit(main())
