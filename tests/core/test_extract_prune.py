"""Code and page chrome go before extraction, never the story, and never what the metadata needs.

The pages are written here, in our own words: a story whose site puts it inside a ``<footer>``, a page
with its menus, scripts and a JSON-LD block, and a JSON-LD-only story (trafilatura's fallback reads it).
"""

from __future__ import annotations

from lxml import html as lxml_html

from crawler.core.extract import extract_article
from crawler.core.extract.prune import drop_unread
from crawler.core.records import Article

STORY = [
    "Defence officials from both capitals spoke by secure video link on Tuesday for the first time "
    "since the spring, according to readouts published by the two ministries afterwards.",
    "The call covered the maritime incidents of the past months and a proposal to meet in person at "
    "the regional security forum, an aide who took part in the preparations said.",
    "Neither side announced a date for the next round, but both readouts described the talk as frank "
    "and said the working-level channel would stay open over the summer months.",
]
MENU = "".join(f'<li><a href="/section/{i}/">Section number {i}</a></li>' for i in range(30))
LD_JSON = (
    '{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Video link reopens",'
    ' "datePublished": "2024-05-07T09:30:00Z", "author": {"@type": "Person", "name": "Lena Okafor"}}'
)


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>Video link reopens</title>{head}</head><body>{body}</body></html>"


def test_chrome_and_code_go_the_story_and_json_ld_stay() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    tree = lxml_html.fromstring(
        page(
            f"<nav><ul>{MENU}</ul></nav><article>{paragraphs}<button>Share this</button></article>"
            "<script>var tracking = 'pageview';</script><style>p { color: red }</style>"
            f'<script type="application/ld+json">{LD_JSON}</script><footer>© Example Media</footer>'
        )
    )
    drop_unread(tree)
    text = tree.text_content()
    assert all(p in text for p in STORY)
    assert "Section number" not in text and "Share this" not in text and "Example Media" not in text
    assert "tracking" not in text and "color: red" not in text
    assert tree.xpath("//script[@type='application/ld+json']")


def test_a_story_inside_a_footer_is_kept() -> None:
    """A site template that wraps everything below the masthead in <footer>: the chrome rule must not
    take the story with it."""
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    tree = lxml_html.fromstring(page(f"<nav><ul>{MENU[:200]}</ul></nav><footer>{paragraphs}</footer>"))
    drop_unread(tree)
    assert all(p in tree.text_content() for p in STORY)


def test_metadata_is_read_before_the_scripts_go() -> None:
    """The date and author live in a JSON-LD block and a script-free page: both reach the record."""
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    result = extract_article(
        page(
            f"<nav><ul>{MENU}</ul></nav><article><h1>Video link reopens</h1>{paragraphs}</article>",
            head=f'<script type="application/ld+json">{LD_JSON}</script><script>var x = 1;</script>',
        ),
        "https://news.example.com/2024/05/07/video-link-reopens/",
    )
    assert isinstance(result, Article), result
    assert result.published.startswith("2024-05-07") and result.author == "Lena Okafor"
    assert "Section number" not in result.text and STORY[0] in result.text


def test_text_around_a_removed_tag_stays_in_place() -> None:
    """A tag dropped mid-sentence (an icon, a stray ``<meta>``, a script) leaves the words around it
    joined as they were: removal keeps each tag's tail text."""
    tree = lxml_html.fromstring(
        page(
            "<p>The hotline<svg><path d='M0'/></svg> was<meta itemprop='x' content='y'> tested"
            "<link rel='z' href='/a'> on<style>b{}</style> Monday<script>x()</script> morning.</p>"
            "<p><nav>menu</nav>Second<button>go</button> line.</p>"
        )
    )
    drop_unread(tree)
    texts = [p.text_content() for p in tree.iter("p")]
    assert texts == ["The hotline was tested on Monday morning.", "Second line."]
