"""html + url -> Article | Rejected (first cut: bare trafilatura; the cleaning layer comes next)."""

from __future__ import annotations

import trafilatura

from crawler.records import Article, Rejected


def extract_article(
    html: bytes | str,
    url: str,
    *,
    charset: str | None = None,
    selectors: tuple[str, ...] = (),
) -> Article | Rejected:
    """Extract the article on a page; ``charset`` is the HTTP header's, ``selectors`` a site's extras."""
    if isinstance(html, bytes):
        html = html.decode(charset or "utf-8", errors="replace")
    doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
    if doc is None or not doc.text:
        return Rejected(url, "not an article: no main text found")
    return Article(
        url=url,
        canonical_url=doc.url or url,
        title=doc.title or "",
        text=doc.text,
        published=doc.date,
        author=doc.author,
        site_name=doc.sitename,
        language=doc.language,
        image=doc.image,
        description=doc.description,
    )
