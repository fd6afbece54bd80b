"""Benchmarks, run from the checkout as modules of this package: ``python3 -m bench.crawl``, …

Each prints its figures and a ratio against a baseline measured in the same run (README's table).
"""
