"""One article's whole HTML page in the WordPress news theme: 60-200 KB around 400-1,200 words."""

from __future__ import annotations

import html
import random
from datetime import timedelta

from bench.sitegen.chrome import Chrome
from bench.sitegen.comments import comment_section
from bench.sitegen.markup import TICKER_PREFIX, image_url, slugify, visible_date
from bench.sitegen.meta import json_ld, page_config
from bench.sitegen.records import SITE_NAME, Story
from bench.sitegen.widgets import footer_scripts, newsletter_box, related_block, share_bar, sidebar
from bench.sitegen.writer import person


def render_page(
    story: Story,
    chrome: Chrome,
    related: list[Story],
    popular: list[Story],
    latest: list[Story],
    ticker: list[Story],
    rng: random.Random,
) -> str:
    """The whole HTML page of ``story`` in the WordPress news theme."""
    e = html.escape
    url, image = story.url, image_url(story, "1200x675")
    modified = story.published + timedelta(minutes=rng.randint(0, 600))
    section_slug = slugify(story.section)
    desc = e(story.excerpt)
    tags = "".join(f'<meta property="article:tag" content="{e(t)}">' for t in story.tags)
    minutes = max(1, story.words // 230)
    head = (
        '<!DOCTYPE html>\n<html lang="en-US" class="no-js">\n<head>\n<meta charset="UTF-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, '
        'max-video-preview:-1">\n'
        f"<title>{e(story.title)} | {SITE_NAME}</title>\n"
        f'<meta name="description" content="{desc}">\n<link rel="canonical" href="{url}">\n'
        '<meta property="og:locale" content="en_US">\n<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{e(story.title)}">\n'
        f'<meta property="og:description" content="{desc}">\n<meta property="og:url" content="{url}">\n'
        f'<meta property="og:site_name" content="{SITE_NAME}">\n'
        '<meta property="article:publisher" content="https://www.facebook.com/harborledger">\n'
        f'<meta property="article:section" content="{e(story.section)}">\n{tags}\n'
        f'<meta property="article:published_time" content="{story.published.isoformat()}-05:00">\n'
        f'<meta property="article:modified_time" content="{modified.isoformat()}-05:00">\n'
        f'<meta property="og:image" content="{image}">\n<meta property="og:image:width" content="1200">\n'
        '<meta property="og:image:height" content="675">\n'
        '<meta property="og:image:type" content="image/jpeg">\n'
        f'<meta name="author" content="{e(story.author)}">\n'
        '<meta name="twitter:card" content="summary_large_image">\n'
        '<meta name="twitter:site" content="@harborledger">\n'
        '<meta name="twitter:label1" content="Written by">\n'
        f'<meta name="twitter:data1" content="{e(story.author)}">\n'
        f'<meta name="twitter:label2" content="Est. reading time">\n'
        f'<meta name="twitter:data2" content="{minutes} minutes">\n'
        f'<script type="application/ld+json" class="yoast-schema-graph">{json_ld(story, image, modified)}'
        "</script>\n"
        "<link rel='dns-prefetch' href='//fonts.googleapis.com'>\n"
        "<link rel='dns-prefetch' href='//securepubads.g.doubleclick.net'>\n"
        '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>\n'
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" '
        'href="{base}/feed/">\n'
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; {e(story.title)} '
        f'Comments Feed" href="{{base}}/articles/{story.number}/feed/">\n'
        f'<script id="wp-emoji-settings">{chrome.emoji_script}</script>\n'
        "<link rel='stylesheet' id='wp-block-library-css' href='{base}/wp-includes/css/dist/block-library/"
        "style.min.css?ver=6.5.2' media='all'>\n"
        f"<style id='global-styles-inline-css'>{chrome.styles}</style>\n"
        "<link rel='stylesheet' id='harbor-fonts-css' "
        "href='https://fonts.googleapis.com/css2?family=Merriweather:"
        "wght@400;700&amp;family=Inter:wght@400;600&amp;display=swap' media='all'>\n"
        "<link rel='stylesheet' id='harbor-style-css' "
        "href='{base}/wp-content/themes/harbor/style.css?ver=2.3.1' "
        "media='all'>\n"
        "<link rel='stylesheet' id='wpdiscuz-frontend-css-css' "
        "href='{base}/wp-content/plugins/wpdiscuz/themes/"
        "default/style.css?ver=7.6.18' media='all'>\n"
        "<link rel='stylesheet' id='jetpack-sharing-css' href='{base}/wp-content/plugins/jetpack/modules/"
        "sharedaddy/sharing.css?ver=13.2' media='all'>\n"
        "<script src='{base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1' id='jquery-core-js'></script>\n"
        f'<script id="ledger-config">{page_config(story, chrome.vendors, rng)}</script>\n'
        '<link rel="https://api.w.org/" href="{base}/wp-json/">\n'
        '<link rel="alternate" type="application/json" '
        f'href="{{base}}/wp-json/wp/v2/posts/{100000 + story.number}">\n'
        '<meta name="generator" content="WordPress 6.5.2">\n'
        f"<link rel='shortlink' href='{{base}}/?p={100000 + story.number}'>\n"
        '<link rel="icon" href="{base}/wp-content/uploads/cropped-icon-32x32.png" sizes="32x32">\n'
        '<link rel="icon" href="{base}/wp-content/uploads/cropped-icon-192x192.png" sizes="192x192">\n'
        '<link rel="apple-touch-icon" href="{base}/wp-content/uploads/cropped-icon-180x180.png">\n'
        "</head>\n"
    )
    ticker_items = "".join(f'<li class="ticker-item"><a href="{s.url}">{e(s.title)}</a></li>' for s in ticker)
    header = (
        f'<body class="post-template-default single single-post postid-{100000 + story.number} '
        f'single-format-standard wp-embed-responsive theme-harbor section-{section_slug}">\n'
        '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
        '<div id="page" class="site">\n'
        '<div class="top-bar"><ul class="top-bar-links"><li><a href="{base}/subscribe/">Subscribe</a></li>'
        '<li><a href="{base}/e-edition/">e-Edition</a></li><li><a href="{base}/login/">Log In</a></li>'
        "</ul></div>\n"
        '<header id="masthead" class="site-header"><div class="site-branding">'
        f'<p class="site-title"><a href="{{base}}/" rel="home">{SITE_NAME}</a></p>'
        '<p class="site-description">News for the coast and the world since 1887</p></div>\n'
        f"{chrome.menu}\n"
        '<div class="header-search"><form role="search" method="get" class="search-form" action="{base}/">'
        '<label><span class="screen-reader-text">Search for:</span>'
        '<input type="search" class="search-field" '
        f'placeholder="Search &hellip;" name="s"></label>{chrome.icons["search"]}</form></div></header>\n'
        '<div class="breaking-news-ticker" role="region" aria-label="Breaking news">'
        f'<span class="ticker-label">{TICKER_PREFIX}</span>'
        f'<ul class="ticker-items">{ticker_items}</ul></div>\n'
    )
    paragraphs = [f"<p>{e(p)}</p>" for p in story.paragraphs]
    ad_at = rng.randint(2, min(5, len(paragraphs) - 1))
    paragraphs.insert(
        ad_at,
        '<div class="ad-slot in-article-ad"><span class="ad-label">Advertisement</span>'
        f'<div id="div-gpt-ad-{rng.randrange(10**12):012d}-inarticle"></div></div>',
    )
    if story.pull_quote:
        at = rng.randint(len(paragraphs) // 3, 2 * len(paragraphs) // 3)
        paragraphs.insert(
            at,
            '<figure class="wp-block-pullquote"><blockquote><p>'
            f"{e(story.pull_quote)}</p></blockquote></figure>",
        )
    if related and rng.random() < 0.3:  # an inline teaser, as editors add them
        paragraphs.insert(
            rng.randint(3, len(paragraphs) - 1),
            f'<p class="read-more-inline"><strong>READ MORE:</strong> <a href="{related[-1].url}">'
            f"{e(related[-1].title)}</a></p>",
        )
    newsletter = newsletter_box(rng)
    if rng.random() < 0.5:
        paragraphs.insert(rng.randint(len(paragraphs) // 2, len(paragraphs)), newsletter)
        newsletter = ""
    related_inside, related_after = related_block(story, related, rng)
    share = share_bar(story, chrome, rng)
    caption = e(f"{story.title.split(':')[-1].strip()[:90]}. Photo: {person(rng)}/{SITE_NAME}")
    tag_links = ", ".join(f'<a href="{{base}}/tag/{slugify(t)}/" rel="tag">{e(t)}</a>' for t in story.tags)
    author_slug = slugify(story.author)
    article = (
        '<div id="content" class="site-content"><div class="container">'
        f'<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="{{base}}/">Home</a> &raquo; '
        f'<a href="{{base}}/category/{section_slug}/">{e(story.section)}</a></nav>'
        '<div id="primary" class="content-area"><main id="main" class="site-main">\n'
        f'<article id="post-{100000 + story.number}" class="post-{100000 + story.number} post type-post '
        f"status-publish format-standard has-post-thumbnail hentry category-{section_slug} "
        + " ".join(f"tag-{slugify(t)}" for t in story.tags)
        + '">\n<header class="entry-header">'
        f'<div class="entry-categories"><a href="{{base}}/category/{section_slug}/" rel="category tag">'
        f"{e(story.section)}</a></div>"
        f'<h1 class="entry-title">{e(story.title)}</h1>'
        '<div class="entry-meta"><span class="byline">By <span class="author vcard">'
        f'<a class="url fn n" href="{{base}}/author/{author_slug}/">{e(story.author)}</a></span></span> '
        '<span class="posted-on"><time class="entry-date published" '
        f'datetime="{story.published.isoformat()}-05:00">'
        f"{visible_date(story.published)}</time></span> "
        f'<span class="reading-time">{minutes} min read</span></div></header>\n'
        '<figure class="post-thumbnail wp-caption">'
        f'<img width="1200" height="675" src="{image}" class="attachment-full size-full wp-post-image" '
        f'alt="" decoding="async" fetchpriority="high" srcset="{image_url(story, "1200x675")} 1200w, '
        f'{image_url(story, "800x450")} 800w, {image_url(story, "400x225")} 400w, '
        f'{image_url(story, "150x84")} 150w" '
        'sizes="(max-width: 1200px) 100vw, 1200px">'
        f'<figcaption class="wp-caption-text">{caption}</figcaption></figure>\n'
        f'<div class="entry-content">\n{chr(10).join(paragraphs)}\n{share}\n{related_inside}\n</div>\n'
        f'<footer class="entry-footer"><span class="tags-links">Tags: {tag_links}</span></footer>\n'
        "</article>\n"
        f'<div class="author-bio"><h2 class="author-title">About {e(story.author)}</h2><p>{e(story.author)} '
        f"covers the harbor beat and {e(story.section.lower())} for the Ledger. Reach them at "
        f"{author_slug}@harborledger.example.</p></div>\n"
        f"{newsletter}\n"
        f"{related_after}\n"
        f"{comment_section(story, rng, chrome)}\n</main></div>\n"
        f"{sidebar(story, popular, latest, rng)}\n</div></div>\n"
    )
    return (
        head
        + header
        + article
        + chrome.footer
        + "\n</div>\n"
        + footer_scripts(story, rng)
        + "\n</body>\n</html>\n"
    )
