"""The reader comments under an article (a wpDiscuz block with its forms): boilerplate to strip."""

from __future__ import annotations

import html
import random
from datetime import timedelta

from bench.sitegen.chrome import Chrome
from bench.sitegen.markup import COMMENT_DETAILS, COMMENTS, visible_date
from bench.sitegen.records import Story
from bench.sitegen.writer import Writer, count, person, town


def comment_section(story: Story, rng: random.Random, chrome: Chrome) -> str:
    details = COMMENT_DETAILS[story.beat]
    writer = Writer(
        rng,
        {"detail": details, "town": town, "year": lambda r: str(r.randint(2005, 2020)), "num": count(3, 30)},
    )
    count_ = rng.randint(3, 8)
    items = []
    for i in range(count_):
        cid = 50000 + story.number * 10 + i
        name = (
            person(rng)
            if rng.random() < 0.7
            else rng.choice(("harborwatcher", "Old Salt", "local_mom", "tidewater_tom", "Just Saying", "RJ"))
        )
        posted = story.published + timedelta(hours=rng.randint(1, 90))
        votes = rng.randint(-3, 40)
        depth = 2 if i and rng.random() < 0.3 else 1
        items.append(
            f'<div id="wpd-comm-{cid}_0" class="comment {("even", "odd")[i % 2]} depth-{depth} wpd-comment '
            f'wpd_comment_level-{depth}"><div class="wpd-comment-wrap wpd-blog-guest">'
            f'<div class="wpd-comment-left"><div class="wpd-avatar"><img alt="{html.escape(name)}" '
            f'src="https://secure.gravatar.com/avatar/{rng.randrange(16**32):032x}?s=64&amp;d=mm&amp;r=g" '
            'class="avatar avatar-64 photo" height="64" width="64" loading="lazy" '
            'decoding="async"></div></div>'
            f'<div id="comment-{cid}" class="wpd-comment-right"><div class="wpd-comment-header">'
            f'<div class="wpd-comment-author">{html.escape(name)}</div>'
            f'<div class="wpd-comment-date" title="{visible_date(posted)}">{chrome.icons["clock"]} '
            f"{rng.randint(1, 11)} {rng.choice(('hours', 'days', 'months'))} ago</div></div>"
            f'<div class="wpd-comment-text"><p>{html.escape(writer.say(rng.choice(COMMENTS)))}</p></div>'
            '<div class="wpd-comment-footer"><div class="wpd-vote">'
            f'<div class="wpd-vote-up wpd_not_clicked">{chrome.icons["up"]}</div>'
            f'<div class="wpd-vote-result" title="{votes}">{votes}</div>'
            f'<div class="wpd-vote-down wpd_not_clicked">{chrome.icons["down"]}</div></div>'
            f'<div class="wpd-reply-button">{chrome.icons["reply"]}<span>Reply</span></div>'
            '<div class="wpd-space"></div></div></div></div>'
            f'<div id="wpdiscuz_form_anchor-{cid}_0"></div></div>'
        )
    return (
        '<div class="wpdiscuz_top_clearing"></div><div id="comments" class="comments-area">'
        '<div id="respond" style="width:0;height:0;clear:both;margin:0;padding:0"></div>'
        '<div id="wpdcom" class="wpdiscuz_unauth wpd-default wpd-layout-2 wpd-comments-open">'
        '<div class="wpd-form-wrap"><div class="wpd-form-head"><div class="wpd-sbs-toggle">'
        '<i class="far fa-envelope"></i> <span class="wpd-sbs-title">Subscribe to Comments</span> '
        '<i class="fas fa-caret-down"></i></div><div class="wpd-auth"><div class="wpd-login">'
        f'<a rel="nofollow" href="{{base}}/wp-login.php?redirect_to=%2Farticles%2F{story.number}.html">'
        '<i class="fas fa-sign-in-alt"></i> Login</a></div></div></div>'
        '<div class="wpdiscuz-subscribe-bar wpdiscuz-hidden"><form action="{base}/wp-admin/admin-ajax.php'
        '?action=wpdAddSubscription" method="post" id="wpdiscuz-subscribe-form">'
        '<div class="wpdiscuz-subscribe-form-intro">Notify of </div><div '
        'class="wpdiscuz-subscribe-form-option">'
        '<select class="wpdiscuz_select" name="wpdiscuzSubscriptionType"><option value="post">new follow-up '
        'comments</option><option value="all_comment">new replies to my comments</option></select></div>'
        '<div class="wpdiscuz-item wpdiscuz-subscribe-form-email"><input class="email" type="email" '
        'name="wpdiscuzSubscriptionEmail" required value="" placeholder="Email"></div>'
        '<div class="wpdiscuz-subscribe-form-button"><input id="wpdiscuz_subscription_button" '
        'class="wpd-prim-button wpd_not_clicked" type="submit" value="&rsaquo;"></div>'
        f'<input type="hidden" name="wpdiscuz_subscribe_form_nonce" value="{rng.randrange(16**10):010x}">'
        "</form></div>"
        '<div class="wpd-form wpd-form-wrapper wpd-main-form-wrapper" id="wpd-main-form-wrapper-0_0">'
        '<form method="post" enctype="multipart/form-data" class="wpd_comm_form wpd_main_comm_form">'
        '<div class="wpd-field-comment"><div class="wpdiscuz-item wc-field-textarea"><div class="wpdiscuz-'
        'textarea-wrap"><div class="wpd-avatar"><img alt="guest" src="https://secure.gravatar.com/avatar/'
        '?s=56&amp;d=mm" class="avatar avatar-56 photo" height="56" width="56"></div>'
        '<textarea name="wc_comment" class="wc_comment wpd-field" placeholder="Join the discussion">'
        "</textarea></div></div></div>"
        '<div class="wpd-form-foot"><div class="wpdiscuz-textarea-foot"><div class="wpdiscuz-button-actions">'
        '</div></div><div class="wpd-form-row"><div class="wpd-form-col-left"><div class="wpdiscuz-item '
        'wc_name-wrapper wpd-has-icon"><input value="" required class="wc_name wpd-field" type="text" '
        'name="wc_name" placeholder="Name*" maxlength="50"></div><div class="wpdiscuz-item wc_email-wrapper '
        'wpd-has-icon"><input value="" required class="wc_email wpd-field" type="email" name="wc_email" '
        'placeholder="Email*"></div></div><div class="wpd-form-col-right"><div class="wc-field-submit">'
        '<input id="wpd-field-submit-0_0" class="wc_comm_submit wpd_not_clicked wpd-prim-button" '
        'type="submit" name="submit" value="Post Comment"></div></div></div></div></form></div></div>'
        '<div id="wpd-threads" class="wpd-thread-wrapper"><div class="wpd-thread-head">'
        f'<div class="wpd-thread-info" data-comments-count="{count_}"><span class="wpdtc" title="{count_}">'
        f'{count_}</span> Comments</div><div class="wpd-space"></div><div class="wpd-thread-filter">'
        '<div class="wpd-filter wpdf-reacted wpd_not_clicked" title="Most reacted comment">'
        '<i class="fas fa-bolt"></i></div><div class="wpd-filter wpdf-hottest wpd_not_clicked" '
        'title="Hottest comment thread"><i class="fas fa-fire"></i></div></div></div>'
        '<div class="wpd-comment-info-bar"><div class="wpd-current-view"><i class="fas fa-quote-left"></i> '
        'Inline Feedbacks</div><div class="wpd-filter-view-all">View all comments</div></div>'
        f'<div class="wpd-thread-list">{"".join(items)}<div class="wpdiscuz-comment-pagination"></div>'
        "</div></div></div></div>"
        '<div id="wpdiscuz-loading-bar" class="wpdiscuz-loading-bar-unauth"></div>'
        '<div id="wpdiscuz-comment-message" class="wpdiscuz-comment-message-unauth"></div>'
        '<div id="wpd-bubble-wrapper"><div id="wpd-bubble-all-comments-count" style="display:none" '
        f'title="{count_}">{count_}</div><div id="wpd-bubble"><div id="wpd-bubble-add-message">Would love '
        "your thoughts, please comment.</div></div></div>"
    )
