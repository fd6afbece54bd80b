"""The widgets around an article: share bars, related teasers, the newsletter box, the sidebar, the
footer scripts. Each comes in the shapes real plugins print, chosen per page."""

from __future__ import annotations

import html
import json
import random

from bench.sitegen.chrome import Chrome
from bench.sitegen.markup import PITCHES, SHARES, image_url
from bench.sitegen.records import Story
from bench.sitegen.writer import MONTHS


def teaser(story: Story, rng: random.Random) -> str:
    return (
        f'<article class="related-post post-{100000 + story.number}"><a class="related-thumb" '
        f'href="{story.url}"><img width="400" height="225" src="{image_url(story, "400x225")}" '
        f'class="attachment-medium size-medium wp-post-image" alt="" loading="lazy" decoding="async"></a>'
        f'<span class="related-cat">{html.escape(story.section)}</span>'
        f'<h3 class="related-post-title"><a href="{story.url}" rel="bookmark">'
        f"{html.escape(story.title)}</a></h3>"
        f'<p class="related-excerpt">{html.escape(story.excerpt)}</p>'
        f'<time class="related-date" datetime="{story.published.isoformat()}">'
        f"{MONTHS[story.published.month - 1]} {story.published.day}, {story.published.year}</time></article>"
    )


def share_bar(story: Story, chrome: Chrome, rng: random.Random) -> str:
    """Jetpack's sharedaddy bar on most pages, AddToAny's on the others."""
    if rng.random() < 0.6:
        links = "".join(
            f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{key}-'
            f'{100000 + story.number}" class="share-{key} sd-button share-icon" '
            f'href="{story.url}?share={key}" target="_blank" title="Click to share on {label}">'
            f"{chrome.icons[key]}<span>{label}</span></a></li>"
            for key, label in SHARES
        )
        return (
            '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            'sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content">'
            f'<ul>{links}<li class="share-end"></li></ul></div></div></div>'
        )
    links = "".join(
        f'<a class="a2a_button_{key}" href="https://www.addtoany.com/add_to/{key}?linkurl={story.url}" '
        f'title="{label}" rel="nofollow noopener" target="_blank">{chrome.icons[key]}</a>'
        for key, label in SHARES
    )
    return (
        '<div class="addtoany_share_save_container addtoany_content addtoany_content_bottom">'
        '<div class="addtoany_header">Share this story</div><div class="a2a_kit a2a_kit_size_32 '
        f'addtoany_list" data-a2a-url="{story.url}">{links}<a class="a2a_dd addtoany_share_save '
        'addtoany_share" href="https://www.addtoany.com/share"></a></div></div>'
    )


def related_block(story: Story, related: list[Story], rng: random.Random) -> tuple[str, str]:
    """Six teasers: (inside the content, after the article); the theme's section or Jetpack's block."""
    if rng.random() < 0.6:
        teasers = "".join(teaser(s, rng) for s in related)
        return "", (
            '<section class="related-posts"><h2 class="related-title">Related Articles</h2>'
            f'<div class="related-grid">{teasers}</div></section>'
        )
    items = "".join(
        f'<div class="jp-relatedposts-post jp-relatedposts-post{i} jp-relatedposts-post-thumbs" '
        f'data-post-id="{100000 + s.number}" data-post-format="false"><a class="jp-relatedposts-post-a" '
        f'href="{s.url}" title="{html.escape(s.title)}" rel="nofollow" data-position="{i}">'
        f'<img class="jp-relatedposts-post-img" loading="lazy" src="{image_url(s, "350x200")}" width="350" '
        'height="200" alt=""></a><h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" '
        f'href="{s.url}">{html.escape(s.title)}</a></h4><p class="jp-relatedposts-post-excerpt">'
        f'{html.escape(s.excerpt)}</p><p class="jp-relatedposts-post-date">'
        f"{MONTHS[s.published.month - 1]} {s.published.day}, {s.published.year}</p>"
        f'<p class="jp-relatedposts-post-context">In &quot;{html.escape(s.section)}&quot;</p></div>'
        for i, s in enumerate(related)
    )
    return (
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
        "<em>Related Articles</em></h3><div class=\"jp-relatedposts-items jp-relatedposts-items-visual "
        f'jp-relatedposts-grid">{items}</div></div>'
    ), ""


def newsletter_box(rng: random.Random) -> str:
    """A Mailchimp for WordPress sign-up box, or Jetpack's subscriptions block."""
    if rng.random() < 0.4:
        return (
            '<div class="wp-block-jetpack-subscriptions__supports-newline wp-block-jetpack-subscriptions">'
            '<div class="wp-block-jetpack-subscriptions__container"><form action="#" method="post" '
            f'accept-charset="utf-8" data-blog="{rng.randrange(10**8)}" data-post_access_level="everybody" '
            'id="subscribe-blog-1"><p id="subscribe-text">Get the Morning Ledger briefing: '
            f"{rng.choice(PITCHES).lower()}.</p>"
            '<p id="subscribe-email"><label for="subscribe-field-1" class="screen-reader-text">Type your '
            'email…</label><input type="email" name="email" required value="" id="subscribe-field-1" '
            'placeholder="Type your email…"></p><p id="subscribe-submit"><input type="hidden" name="action" '
            'value="subscribe"><button type="submit" class="wp-block-button__link">Subscribe</button></p>'
            "</form></div></div>"
        )
    return (
        '<div class="newsletter-signup-box mc4wp-form-wrap"><form id="mc4wp-form-1" class="mc4wp-form '
        'mc4wp-form-2209" method="post" data-id="2209" data-name="Morning briefing">'
        '<div class="mc4wp-form-fields"><h4 class="newsletter-title">Get the Morning Ledger briefing</h4>'
        f"<p>{rng.choice(PITCHES)}"
        ", delivered to your inbox. Free for everyone.</p>"
        '<p><input type="email" name="EMAIL" placeholder="Your email address" required> '
        '<input type="submit" value="Sign up"></p><p class="newsletter-legal">By signing up you agree to our '
        '<a href="{base}/terms-of-service/">Terms</a> and <a href="{base}/privacy-policy/">Privacy '
        'Policy</a>.'
        "</p></div>"
        f'<input type="hidden" name="_mc4wp_timestamp" value="{rng.randrange(1_600_000_000, 1_760_000_000)}">'
        '<div class="mc4wp-response"></div></form></div>'
    )


def sidebar(story: Story, popular: list[Story], latest: list[Story], rng: random.Random) -> str:
    most = "".join(
        f'<li><a href="{s.url}">{html.escape(s.title)}</a><span class="views">{rng.randint(900, 48000):,} '
        "views</span></li>"
        for s in popular
    )
    recent = "".join(
        f'<li><a href="{s.url}">{html.escape(s.title)}</a><span class="post-date">'
        f"{MONTHS[s.published.month - 1][:3]} {s.published.day}</span></li>"
        for s in latest
    )

    def ad(place: str) -> str:
        return (
            f'<section class="widget widget-advert"><div class="advert advert-mpu advert-{place}">'
            f'<span class="advert-label">Advertisement</span><div id="div-gpt-ad-{rng.randrange(10**12):012d}'
            f'-{place}" style="min-width:300px;min-height:250px"></div></div></section>'
        )

    return (
        '<aside id="secondary" class="widget-area sidebar" role="complementary">'
        f"{ad('rail-1')}"
        '<section class="widget widget-most-popular"><h2 class="widget-title">Most Popular</h2>'
        f'<ol class="most-popular-list">{most}</ol></section>'
        f"{ad('rail-2')}"
        '<section class="widget widget_recent_entries"><h2 class="widget-title">Latest News</h2>'
        f"<ul>{recent}</ul></section>"
        '<section class="widget widget_text"><h2 class="widget-title">Have a news tip?</h2>'
        '<div class="textwidget"><p>Email the newsroom at tips@harborledger.example or call '
        "(555) 014-2200. We read everything.</p></div></section>"
        f"{ad('rail-sticky')}</aside>"
    )


def footer_scripts(story: Story, rng: random.Random) -> str:
    wpdiscuz = {
        "url": "{base}/wp-admin/admin-ajax.php",
        "wc_post_id": str(100000 + story.number),
        "commentListLoadType": "0",
        "commentListUpdateType": "0",
        "loadLastCommentId": "0",
        "isUserLoggedIn": False,
        "wordpressIsPaginate": "",
        "commentTextMaxLength": None,
        "replyTextMaxLength": None,
        "storeCommenterData": 100000,
        "socialLoginAgreementCheckbox": 0,
        "enableFbLogin": 0,
        "enableFbShare": 0,
        "facebookAppID": "",
        "facebookUseOAuth2": 0,
        "enableGoogleLogin": 0,
        "googleClientID": "",
        "cookiehash": f"{rng.randrange(16**32):032x}",
        "isLoadOnlyParentComments": 0,
        "scrollToComment": 1,
        "commentFormView": "collapsed",
        "enableOrderByVote": 1,
        "isRightSidebarOpened": 0,
        "is_email_field_required": 1,
        "wpdiscuz_nonce": f"{rng.randrange(16**10):010x}",
        "validateNonceForGuests": "",
        "i18n": {
            "wc_error_empty_text": "please fill out this field to comment",
            "wc_error_email_text": "email address is invalid",
            "wc_error_url_text": "url is invalid",
            "wc_please_wait": "Please wait...",
            "wc_comment_approved": "Your comment is awaiting moderation.",
            "wc_msg_required_fields": "Please fill out required fields",
            "wc_follow_user": "Follow this user",
            "wc_unfollow_user": "Unfollow this user",
            "wc_copied_to_clipboard": "Copied to clipboard!",
        },
    }
    related = {
        "postID": 100000 + story.number,
        "size": 6,
        "layout": "grid",
        "exclude": sorted(rng.sample(range(100000, 101000), 5)),
    }
    return (
        '<script id="wpdiscuz-combo-js-js-extra">var wpdiscuzAjaxObj = '
        f"{json.dumps(wpdiscuz, separators=(',', ':'))};</script>"
        f'<script id="ledger-related-js-extra">var ledgerRelated = {json.dumps(related)};</script>'
        '<script src="{base}/wp-content/plugins/wpdiscuz/assets/js/wpdiscuz-combo.min.js?ver=7.6.18" '
        'id="wpdiscuz-combo-js-js"></script>'
        '<script src="{base}/wp-content/themes/harbor/js/navigation.js?ver=2.3.1" id="harbor-navigation-js">'
        "</script>"
        '<script src="{base}/wp-content/plugins/jetpack/_inc/build/sharedaddy/sharing.min.js?ver=13.2" '
        'id="sharing-js-js" defer></script>'
    )
