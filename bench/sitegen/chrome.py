"""The parts of every page that do not depend on the article, built once per site: styles, the mega
menu, the footer, icons, the emoji loader, the staff and the consent manager's vendors."""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass

from bench.sitegen.markup import FOOTER, SECTIONS, slugify
from bench.sitegen.records import SITE_NAME
from bench.sitegen.writer import LAST, person, pick


def _svg_path(rng: random.Random, points: int) -> str:
    """Plausible icon path data: moves, curves and lines on a 24-unit grid."""
    parts = [f"M{rng.uniform(1, 23):.2f} {rng.uniform(1, 23):.2f}"]
    for _ in range(points):
        if rng.random() < 0.6:
            coords = " ".join(f"{rng.uniform(0, 24):.3f}" for _ in range(6))
            parts.append(f"c{coords}")
        else:
            parts.append(f"l{rng.uniform(-6, 6):.3f} {rng.uniform(-6, 6):.3f}")
    return "".join(parts) + "z"


def _svg(rng: random.Random, name: str, points: int) -> str:
    return (
        f'<svg class="icon icon-{name}" aria-hidden="true" role="img" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
        f'<path d="{_svg_path(rng, points)}"></path></svg>'
    )


def _global_styles(rng: random.Random) -> str:
    """WordPress-style global styles: preset variables and their utility classes (several KB)."""
    colors = [
        "black", "cyan-bluish-gray", "white", "pale-pink", "vivid-red", "luminous-vivid-orange",
        "luminous-vivid-amber", "light-green-cyan", "vivid-green-cyan", "pale-cyan-blue", "vivid-cyan-blue",
        "vivid-purple", "ledger-navy", "ledger-sand", "ledger-slate", "ledger-foam", "ledger-coral",
        "ledger-ink", "ledger-paper", "ledger-gold",
    ]
    gradients = [f"gradient-{i}" for i in range(1, 13)]
    sizes = {"small": "13px", "medium": "20px", "large": "36px", "x-large": "42px", "xx-large": "56px"}
    out = [":root{"]
    for name in colors:
        out.append(f"--wp--preset--color--{name}: #{rng.randrange(0x1000000):06x};")
    for name in gradients:
        out.append(
            f"--wp--preset--gradient--{name}: linear-gradient({rng.randint(0, 359)}deg,"
            f"rgba({rng.randint(0, 255)},{rng.randint(0, 255)},{rng.randint(0, 255)},1) 0%,"
            f"rgb({rng.randint(0, 255)},{rng.randint(0, 255)},{rng.randint(0, 255)}) 100%);"
        )
    for name, size in sizes.items():
        out.append(f"--wp--preset--font-size--{name}: {size};")
    for step in range(20, 90, 10):
        out.append(f"--wp--preset--spacing--{step}: {round(0.44 * 1.5 ** (step / 10 - 2), 2)}rem;")
    out.append(
        "--wp--preset--shadow--natural: 6px 6px 9px rgba(0, 0, 0, 0.2);"
        "--wp--preset--shadow--deep: 12px 12px 50px rgba(0, 0, 0, 0.4);}"
    )
    for name in colors:
        for prop, suffix in (
            ("color", "color"),
            ("background-color", "background-color"),
            ("border-color", "border-color"),
        ):
            out.append(f".has-{name}-{suffix}{{{prop}: var(--wp--preset--color--{name}) !important;}}")
    for name in gradients:
        out.append(
            f".has-{name}-gradient-background{{background: var(--wp--preset--gradient--{name}) !important;}}"
        )
    for name in sizes:
        out.append(f".has-{name}-font-size{{font-size: var(--wp--preset--font-size--{name}) !important;}}")
    for block in (
        "columns", "group", "image", "pullquote", "quote", "buttons", "gallery", "table", "cover", "embed",
        "separator", "list", "heading", "paragraph",
    ):
        out.append(
            f".wp-block-{block}{{margin-block-start:var(--wp--preset--spacing--30);"
            f"margin-block-end:0;}}.wp-block-{block}.is-layout-flex{{display:flex;gap:0.5em;"
            f"flex-wrap:wrap;align-items:center;}}.wp-block-{block}.alignwide{{max-width:1340px;}}"
        )
    return "".join(out)


def _theme_css(rng: random.Random) -> str:
    """The theme's inline CSS: section accents and a few layout rules."""
    out = []
    for section in SECTIONS:
        color = f"#{rng.randrange(0x1000000):06x}"
        slug = slugify(section)
        out.append(
            f".section-{slug} .entry-categories a,.mega-menu-item.menu-{slug}>a:hover{{color:{color};}}"
            f".section-{slug} .site-header{{border-bottom:3px solid {color};}}"
        )
    out.append(
        ".breaking-news-ticker{display:flex;overflow:hidden;white-space:nowrap;background:#111;"
        "color:#fff;font-size:14px;}.ticker-items{animation:ticker 60s linear infinite;}"
        "@keyframes ticker{0%{transform:translateX(0)}100%{transform:translateX(-100%)}}"
        ".mega-menu-panel{display:none;position:absolute;left:0;right:0;padding:24px;"
        "grid-template-columns:repeat(4,1fr);}.mega-menu-item:hover .mega-menu-panel{display:grid;}"
        ".related-grid{display:grid;grid-template-columns:repeat(3,1fr);gap:24px;}"
        "@media (max-width:782px){.related-grid{grid-template-columns:1fr;}.widget-area{display:none;}}"
    )
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Chrome:
    """The parts of every page that do not depend on the article (built once per site)."""

    styles: str
    menu: str
    footer: str
    icons: dict[str, str]
    emoji_script: str
    staff: tuple[str, ...]
    vendors: tuple[dict[str, object], ...]  # the consent manager's vendor list; pages list a share of it


def _menu() -> str:
    items = []
    for section, subs in SECTIONS.items():
        slug = slugify(section)
        columns = [subs[i : i + 4] for i in range(0, len(subs), 4)]
        cols = "".join(
            '<div class="mega-col"><ul class="sub-menu">'
            + "".join(
                f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category">'
                f'<a href="{{base}}/category/{slug}/{slugify(sub)}/">{html.escape(sub)}</a></li>'
                for sub in column
            )
            + "</ul></div>"
            for column in columns
        )
        items.append(
            f'<li class="menu-item menu-item-has-children mega-menu-item menu-{slug}">'
            f'<a href="{{base}}/category/{slug}/" aria-haspopup="true">{html.escape(section)}</a>'
            f'<div class="mega-menu-panel" aria-label="{html.escape(section)} menu">{cols}'
            f'<div class="mega-col mega-col-all"><a class="mega-all" href="{{base}}/category/{slug}/">'
            f"All {html.escape(section)} &rarr;</a></div></div></li>"
        )
    utility = "".join(
        f'<li class="menu-item utility-item"><a href="{{base}}/{slugify(label)}/">{label}</a></li>'
        for label in (
            "e-Edition", "Newsletters", "Podcasts", "Puzzles", "Obituaries", "Contests", "Subscribe",
            "Log In",
        )
    )
    return (
        '<nav id="site-navigation" class="main-navigation mega-menu-nav" aria-label="Primary menu">'
        '<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>'
        f'<ul id="primary-menu" class="menu nav-menu">{"".join(items)}</ul>'
        f'<ul id="utility-menu" class="menu utility-menu">{utility}</ul></nav>'
    )


def _footer() -> str:
    columns = "".join(
        f'<section class="widget footer-column widget_nav_menu"><h2 class="widget-title">{html.escape(title)}'
        f'</h2><div class="menu-footer-{slugify(title)}-container"><ul class="menu">'
        + "".join(
            f'<li class="menu-item"><a href="{{base}}/{slugify(link)}/">{html.escape(link)}</a></li>'
            for link in links
        )
        + "</ul></div></section>"
        for title, links in FOOTER.items()
    )
    return (
        '<footer id="colophon" class="site-footer" role="contentinfo"><div class="footer-widgets">'
        f"{columns}</div>"
        '<div class="site-info"><p class="footer-about">The Harbor Ledger has served the coast since 1887. '
        "Independent, locally owned, reader supported.</p>"
        f'<p class="copyright">&copy; 2025 {SITE_NAME}. All rights reserved. This material may not be '
        "published, broadcast, rewritten or redistributed without permission.</p>"
        '<p class="powered">Proudly powered by WordPress</p></div></footer>'
    )


def _emoji_script(rng: random.Random) -> str:
    """A small inline loader of the kind WordPress prints in every head (our own code)."""
    settings = {
        "baseUrl": "https://s.w.org/images/core/emoji/15.0.3/72x72/",
        "ext": ".png",
        "svgUrl": "https://s.w.org/images/core/emoji/15.0.3/svg/",
        "svgExt": ".svg",
        "source": {"concatemoji": "{base}/wp-includes/js/wp-emoji-release.min.js?ver=6.5.2"},
    }
    body = (
        "/*! loader */(function(w,d){var s=w._wpemojiSettings||{},c=d.createElement('canvas'),"
        "x=c.getContext&&c.getContext('2d');function t(a,b){if(!x)return!1;x.clearRect(0,0,c.width,c.height);"
        "x.fillText(a,0,0);var e=c.toDataURL();x.clearRect(0,0,c.width,c.height);x.fillText(b,0,0);"
        "return e!==c.toDataURL()}function l(u){var e=d.createElement('script');e.src=u;e.defer=!0;"
        "d.head.appendChild(e)}var r={everything:!0,everythingExceptFlag:!0};['flag','emoji'].forEach("
        "function(k){r[k]=t('\\ud83c\\udff3','\\ud83c\\udff3\\u200d\\u26a7');r.everything=r.everything&&r[k];"
        "if(k!=='flag')r.everythingExceptFlag=r.everythingExceptFlag&&r[k]});s.supports=r;"
        "if(!r.everything){l(s.source.concatemoji)}})(window,document);"
    )
    return f"window._wpemojiSettings = {json.dumps(settings, separators=(',', ':'))};\n{body}"


def build_chrome(rng: random.Random) -> Chrome:
    icons = {
        name: _svg(rng, name, rng.randint(6, 14))
        for name in (
            "facebook", "x", "linkedin", "reddit", "mastodon", "email", "print", "copy", "search", "up",
            "down", "reply", "clock",
        )
    }
    staff = tuple(person(rng) for _ in range(24))
    vendors = tuple(
        {
            "id": rng.randint(1, 1300),
            "name": f"{rng.choice(LAST)} {pick(rng, 'Media|Ads|Analytics|Data|Audience|Exchange')}",
            "purposes": sorted(rng.sample(range(1, 12), rng.randint(1, 6))),
            "legInt": rng.random() < 0.4,
        }
        for _ in range(110)
    )
    styles = _global_styles(rng) + _theme_css(rng)
    return Chrome(styles, _menu(), _footer(), icons, _emoji_script(rng), staff, vendors)
