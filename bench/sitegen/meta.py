"""The machine-readable parts of a page's head: the site's per-page config and the JSON-LD graph."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import datetime

from bench.sitegen.markup import slugify
from bench.sitegen.records import SITE_NAME, SITE_SLUG, Story


def page_config(story: Story, vendors: Sequence[dict[str, object]], rng: random.Random) -> str:
    """The site's per-page config: ad slots, flags, consent vendors (a few to a dozen KB)."""
    slots = [
        {
            "id": f"div-gpt-ad-{rng.randrange(10**12):012d}-{i}",
            "path": f"/21{rng.randrange(10**6):06d}/{SITE_SLUG}/{slugify(story.section)}/article",
            "sizes": rng.sample([[300, 250], [336, 280], [728, 90], [970, 250], [320, 50], [300, 600]], 3),
            "targeting": {
                "pos": f"{rng.choice(('top', 'mid', 'btm', 'rail'))}{i}",
                "kw": list(story.tags[:3]),
                "refresh": rng.choice((0, 30, 60)),
            },
            "lazy": rng.random() < 0.7,
        }
        for i in range(rng.randint(6, 24))
    ]
    vendors = vendors[: rng.randint(20, len(vendors))]  # the consent manager's config for this region
    config = {
        "page": {
            "id": 100000 + story.number,
            "type": "article",
            "section": story.section,
            "author": story.author,
            "published": story.published.isoformat(),
            "tags": list(story.tags),
            "words": story.words,
            "paywall": rng.random() < 0.2,
        },
        "ads": {"network": f"21{rng.randrange(10**6):06d}", "slots": slots, "collapseEmpty": True},
        "flags": {
            f"exp_{rng.choice(('nav', 'rail', 'share', 'reco', 'ticker', 'font'))}_{i}": rng.random() < 0.5
            for i in range(rng.randint(10, 30))
        },
        "consent": {"cmpId": 300 + rng.randrange(50), "vendors": vendors},
    }
    return "window.ledgerConfig = " + json.dumps(config, separators=(",", ":")) + ";"


def json_ld(story: Story, image: str, modified: datetime) -> str:
    url = story.url
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "@id": f"{url}#article",
                "isPartOf": {"@id": url},
                "author": {"name": story.author, "@id": f"{{base}}/#/schema/person/{slugify(story.author)}"},
                "headline": story.title,
                "datePublished": story.published.isoformat() + "-05:00",
                "dateModified": modified.isoformat() + "-05:00",
                "mainEntityOfPage": {"@id": url},
                "wordCount": story.words,
                "publisher": {"@id": "{base}/#organization"},
                "image": {"@id": f"{url}#primaryimage"},
                "thumbnailUrl": image,
                "keywords": list(story.tags),
                "articleSection": [story.section],
                "inLanguage": "en-US",
            },
            {
                "@type": "WebPage",
                "@id": url,
                "url": url,
                "name": f"{story.title} | {SITE_NAME}",
                "isPartOf": {"@id": "{base}/#website"},
                "datePublished": story.published.isoformat() + "-05:00",
                "breadcrumb": {"@id": f"{url}#breadcrumb"},
                "inLanguage": "en-US",
            },
            {
                "@type": "ImageObject",
                "@id": f"{url}#primaryimage",
                "url": image,
                "contentUrl": image,
                "width": 1200,
                "height": 675,
            },
            {
                "@type": "BreadcrumbList",
                "@id": f"{url}#breadcrumb",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": "{base}/"},
                    {
                        "@type": "ListItem",
                        "position": 2,
                        "name": story.section,
                        "item": f"{{base}}/category/{slugify(story.section)}/",
                    },
                    {"@type": "ListItem", "position": 3, "name": story.title},
                ],
            },
            {
                "@type": "WebSite",
                "@id": "{base}/#website",
                "url": "{base}/",
                "name": SITE_NAME,
                "publisher": {"@id": "{base}/#organization"},
                "potentialAction": [
                    {
                        "@type": "SearchAction",
                        "target": {"@type": "EntryPoint", "urlTemplate": "{base}/?s={search_term_string}"},
                        "query-input": "required name=search_term_string",
                    }
                ],
            },
            {
                "@type": "Organization",
                "@id": "{base}/#organization",
                "name": SITE_NAME,
                "url": "{base}/",
                "logo": {
                    "@type": "ImageObject",
                    "url": "{base}/wp-content/uploads/logo.png",
                    "width": 600,
                    "height": 60,
                },
                "sameAs": ["https://www.facebook.com/harborledger", "https://x.com/harborledger"],
            },
        ],
    }
    return json.dumps(graph, separators=(",", ":")).replace("</", "<\\/")
