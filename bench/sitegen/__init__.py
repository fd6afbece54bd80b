"""A realistic generated news site for the crawl benchmarks: big WordPress-like pages, distinct texts.

    python3 -m bench.sitegen --pages 200 --out /tmp/site   # writes the site, prints its facts and the
                                                          # bare extraction time per page of a sample

``bench/crawl.py`` compares crawl throughput with bare extraction of the same pages, so the pages must
be what a real crawl meets: 60-200 KB each (a mega menu, inline CSS, scripts and JSON-LD, a ticker,
related teasers, a wpDiscuz comment block, a sidebar, a big footer) around 400-1,200 words of text
that no other article shares, and only a minority on the beat. On-beat articles report US–China
military communication events (defence-chief calls, theatre-commander and military-chief video calls,
maritime consultations, refused calls), 2-6 articles per event written differently, sometimes one of
them a wire copy with a new intro. Off-topic ones cover everyday beats and hard near misses (US–China
trade talks, a US defence secretary calling an ally, China and the Philippines at sea). All text comes
from the templates and vocabularies in ``data/*.toml``, filled by a seeded ``random.Random``:
deterministic for a seed, no network, no copied prose. Links hold the ``{base}`` placeholder that
``crawler/devtools/site.py`` replaces with its own URL when it serves the site.

The modules, in the order a page is made: ``writer`` (template expansion, generic facts), ``beats``
and ``events`` (off-topic and on-beat articles; ``officials`` says who held which office), ``chrome``
(what every page shares), ``page`` with ``meta``, ``widgets`` and ``comments`` (one article's HTML),
``site`` (the whole site and its facts), ``cli`` (the command).
"""

from bench.sitegen.cli import main
from bench.sitegen.markup import MARKERS
from bench.sitegen.records import SiteFacts, Story
from bench.sitegen.site import make_site

__all__ = ["MARKERS", "SiteFacts", "Story", "main", "make_site"]
