"""Relevance: the bundled topic on the labelled corpus (precision/recall printed), and each rule alone."""

from __future__ import annotations

import copy
import random
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from crawler.core.reasons import reason_line, split_reason, words
from crawler.core.records import Article
from crawler.core.relevance import (
    _SENTENCE_END,
    analyse_article,
    bundled_topic,
    find_terms,
    load_topic,
    score_article,
    split_sentences,
)
from tests.corpus import as_article, load_corpus

ROOT = Path(__file__).resolve().parents[2]
TOPIC_TOML = ROOT / "crawler" / "data" / "topic.toml"


def article(title: str, *paragraphs: str) -> Article:
    return Article(
        url="https://news.example/a",
        canonical_url="https://news.example/a",
        title=title,
        text="\n\n".join(paragraphs),
    )


@pytest.fixture(scope="module")
def raw_topic() -> dict[str, Any]:
    return tomllib.loads(TOPIC_TOML.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def topic(raw_topic):
    return load_topic(raw_topic)


# ------------------------------------------------------------------------------------ the corpus


def test_corpus_is_labelled_and_balanced():
    docs = load_corpus()
    ids = [d["id"] for d in docs]
    assert len(docs) >= 70 and len(set(ids)) == len(ids)
    relevant = [d for d in docs if d["label"] == "relevant"]
    assert 0.35 <= len(relevant) / len(docs) <= 0.65
    assert {d["label"] for d in docs} == {"relevant", "irrelevant"}
    assert all(d.get("event") for d in relevant)
    assert not any(d.get("event") for d in docs if d["label"] == "irrelevant")
    assert sum(d["language"] == "zh" for d in docs) >= 8
    assert all(len(d["text"].split("\n\n")) >= 3 and d["note"] and d["title"] for d in docs)
    assert {d.get("split") for d in docs} == {"tune", "holdout"}
    for seed in ("seed000", "seed001", "seed002", "seed003", "seed004"):
        assert any(seed in i for i in ids), seed


def precision_recall(topic, docs) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    wrong = []
    for doc in docs:
        score = score_article(topic, as_article(doc))
        truth = doc["label"] == "relevant"
        tp += truth and score.relevant
        fp += score.relevant and not truth
        fn += truth and not score.relevant
        if truth != score.relevant:
            wrong.append(f"{doc['id']} ({score.value:.2f})")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, wrong


def test_precision_and_recall_on_corpus(topic):
    docs = load_corpus()
    lines = []
    results = {}
    for split in ("tune", "holdout", "all"):
        subset = [d for d in docs if split == "all" or d["split"] == split]
        p, r, wrong = precision_recall(topic, subset)
        results[split] = (p, r)
        lines.append(f"{split:8} n={len(subset):3} precision={p:.3f} recall={r:.3f} wrong={wrong}")
    report = "relevance on the corpus\n" + "\n".join(lines)
    print("\n" + report)
    for p, r in results.values():
        assert p >= 0.95 and r >= 0.95, report


def test_seed_events_are_relevant_and_explained(topic):
    for doc in load_corpus():
        if "-seed00" not in doc["id"]:
            continue
        score = score_article(topic, as_article(doc))
        assert score.relevant, (doc["id"], score)
        assert "Austin" in words(score.matched), (doc["id"], score.matched)
        assert split_reason(score.matched[0])[0] == "who", "who comes first in the explanation"


# ------------------------------------------------------------------------------- score and explanation


def test_call_article_scores_high_with_deduplicated_explanation(topic):
    score = score_article(
        topic,
        article(
            "Austin and China's Dong Jun hold video call",
            "U.S. Defense Secretary Lloyd Austin held a video call on Tuesday with Chinese Defense Minister "
            "Adm. Dong Jun, the Pentagon said. Austin told Dong the two militaries must keep talking.",
            "The People's Liberation Army said Dong warned Austin about Taiwan.",
            "Austin and Dong last spoke in person in 2022.",
        ),
    )
    assert score.relevant and 0.9 <= score.value <= 1.0
    assert score.matched[:2] == ("who:Austin", "who:Dong Jun")
    assert "act:video call" in score.matched
    assert len(words(score.matched)) == len(score.matched)
    assert score.explanation().startswith(f"relevance {score.value:.2f}: who: Austin, Dong Jun")


def test_empty_article_is_a_clear_zero(topic):
    score = score_article(topic, article("", ""))
    assert (score.value, score.relevant, score.matched) == (0.0, False, ())


def test_spelling_variants_and_inflections(topic):
    score = score_article(
        topic,
        article(
            "Defence chiefs talking again",
            "Britain's press reported that the US Defence Secretary called General Wei Fenge, "
            "China's defence minister, on Wednesday.",
            "The two had been calling for better crisis communications between their militaries.",
        ),
    )
    assert score.relevant, score
    assert "who:Wei Fenghe" in score.matched  # Wei Fenge is a variant of the same label
    assert "act:call" in score.matched and "who:defense secretary" in score.matched


def test_chinese_scored_on_the_same_scale(topic):
    zh = score_article(
        topic,
        article(
            "董军应约与美国国防部长奥斯汀视频通话",
            "4月16日晚，国防部长董军应约与美国国防部长奥斯汀视频通话。",
            "双方就两军关系等问题交换了意见。",
        ),
    )
    en = score_article(
        topic,
        article(
            "Dong Jun holds video call with U.S. Defense Secretary Lloyd Austin",
            "Chinese Defense Minister Dong Jun held a video call with U.S. Defense Secretary Lloyd Austin.",
            "The two exchanged views on military relations.",
        ),
    )
    assert zh.relevant and en.relevant
    assert abs(zh.value - en.value) < 0.1
    assert {"who:Dong Jun", "who:Austin", "act:视频通话"} <= set(zh.matched)


def test_traditional_chinese_reads_like_simplified(topic):
    simplified = article(
        "美国国防部长奥斯汀与中国国防部长董军会谈",
        "美国国防部长奥斯汀与中国国防部长董军在新加坡举行会谈。",
        "双方同意保持两军沟通。",
    )
    traditional = article(
        "美國國防部長奧斯汀與中國國防部長董軍會談",
        "美國國防部長奧斯汀與中國國防部長董軍在新加坡舉行會談。",
        "雙方同意保持兩軍溝通。",
    )
    a, b = score_article(topic, simplified), score_article(topic, traditional)
    assert a.relevant and b.relevant and a.matched == b.matched and a.value == b.value


def test_surname_alone_needs_the_full_name(topic):
    city = article(
        "Austin calls for talks",
        "AUSTIN, Texas — Austin's mayor calls for talks with Chinese investors.",
        "The meeting is next week.",
        "Austin residents welcomed it.",
    )
    assert "Austin" not in words(score_article(topic, city).matched)
    person = article(
        "Austin calls Chinese counterpart",
        "Defense Secretary Lloyd Austin called his Chinese counterpart.",
        "Austin urged the PLA to keep lines of communication open.",
    )
    assert "Austin" in words(score_article(topic, person).matched)


def test_refusals_and_suspensions_are_on_the_beat(topic):
    refused = score_article(
        topic,
        article(
            "China declines Pentagon request for defense chiefs' call",
            "China declined a request for a call between Defense Secretary Lloyd Austin and Chinese Defense "
            "Minister Wei Fenghe, the Pentagon said.",
            "Beijing has refused several requests for talks this year.",
        ),
    )
    suspended = score_article(
        topic,
        article(
            "China suspends military talks with U.S.",
            "China cancelled the theater commanders talk, the defense policy coordination talks and the "
            "Military Maritime Consultative Agreement meetings.",
            "Officials said the channels would stay shut.",
        ),
    )
    assert refused.relevant and "act:decline" in refused.matched  # the word the article uses
    assert suspended.relevant and "channel:Military Maritime Consultative Agreement" in suspended.matched


# ------------------------------------------------------------------------------------- near misses


def test_ally_call_is_damped_by_third_party(topic):
    ally = article(
        "Austin and Japan's Kishi discuss Chinese military activity",
        "Defense Secretary Lloyd Austin spoke by phone with Japanese Defense Minister Nobuo Kishi about "
        "the People's Liberation Army's drills near Taiwan.",
        "Austin and Kishi discussed PLA activity in a call.",
    )
    china = article(
        "Austin and China's Wei discuss Chinese military activity",
        "Defense Secretary Lloyd Austin spoke by phone with Chinese Defense Minister Wei Fenghe about "
        "the People's Liberation Army's drills near Taiwan.",
        "Austin and Wei discussed PLA activity in a call.",
    )
    ally_score = score_article(topic, ally)
    assert not ally_score.relevant
    assert not {"Japanese defense minister", "third-country minister"} & set(ally_score.matched)
    assert score_article(topic, china).relevant


def test_exclusions_dilute_only_when_they_outweigh_the_beat(topic):
    call = [
        "Defense Secretary Lloyd Austin held a call with Chinese Defense Minister Dong Jun on Tuesday.",
        "The Pentagon said the two discussed keeping military-to-military channels open.",
        "Austin told Dong the PLA should act safely.",
    ]
    with_trade_aside = score_article(
        topic,
        article(
            "Austin and Dong Jun hold call", *call, "Separately, tariffs on Chinese goods stayed in place."
        ),
    )
    trade = score_article(
        topic,
        article(
            "U.S. and China extend tariff truce after trade talks",
            "Treasury Secretary Scott Bessent said trade talks with Vice Premier He Lifeng went well.",
            "Tariffs on soybeans and export controls on rare earths were discussed.",
            "The trade deal follows a call between the two presidents.",
            "Separately, Defense Secretary Lloyd Austin has held a call with his Chinese counterpart.",
        ),
    )
    plain = score_article(topic, article("Austin and Dong Jun hold call", *call))
    assert with_trade_aside.relevant and with_trade_aside.value == plain.value
    assert not trade.relevant and "trade" not in trade.matched


def test_exclusion_terms_dilute_a_mostly_other_subject(raw_topic, topic):
    mixed = article(
        "Austin and Dong Jun hold call as tariff talks stall",
        "Defense Secretary Lloyd Austin held a call with Chinese Defense Minister Dong Jun.",
        "Tariff talks between trade negotiators stalled over soybeans.",
        "Export controls on rare earths and the trade war dominated the week.",
        "The trade truce expires in August; tariffs on Chinese goods could double.",
        "Stock markets fell as the trade deal looked less likely.",
    )
    without = load_topic({k: v for k, v in raw_topic.items() if k != "exclusions"})
    assert score_article(topic, mixed).value < score_article(without, mixed).value


def test_requirements_cap_context_only_evidence(raw_topic, topic):
    diplomats = article(
        "U.S. and Chinese officials hold talks",
        "American and Chinese officials met in Beijing for talks on Tuesday.",
        "The U.S. and China discussed the talks agenda at a second meeting.",
        "Washington and Beijing agreed to more talks, and China said the meeting went well.",
        "U.S. officials said Chinese officials would meet again.",
        "The United States and China held a further call.",
    )
    assert not score_article(topic, diplomats).relevant
    assert score_article(topic, diplomats).value <= topic.unmet_cap
    unguarded = load_topic({k: v for k, v in raw_topic.items() if k != "require"})
    assert score_article(unguarded, diplomats).value > topic.unmet_cap


def test_boilerplate_phrases_are_not_evidence(topic):
    text = article(
        "Pentagon names new spokesman",
        "The Pentagon named a new spokesman on Monday.",
        "A Chinese embassy spokesman declined to comment, and the PLA did not respond to a request for "
        "comment.",
        "The spokesman so called it a routine appointment.",
    )
    score = score_article(topic, text)
    assert not score.relevant and "refused" not in score.matched and "call" not in score.matched


def test_passing_mention_deep_in_an_article_stays_below_threshold(topic):
    transit = article(
        "Navy plane flies through Taiwan Strait",
        "A U.S. Navy patrol plane flew through the Taiwan Strait on Wednesday.",
        "China's Eastern Theater Command said it tracked the aircraft.",
        "Taiwan's defense ministry said it monitored the flight.",
        "Weather was clear.",
        "The flight came a day after Defense Secretary Lloyd Austin's video call with his Chinese "
        "counterpart.",
    )
    headline = article(
        "Austin holds video call with Chinese counterpart",
        "Defense Secretary Lloyd Austin held a video call with his Chinese counterpart on Tuesday.",
    )
    assert not score_article(topic, transit).relevant
    assert score_article(topic, headline).relevant


# ---------------------------------------------------------------------------------- topic loading


def test_bundled_topic_is_the_data_file(raw_topic, topic):
    assert bundled_topic() == topic
    assert topic.name == raw_topic["name"] and topic.threshold == raw_topic["threshold"]
    assert {"Austin", "Hegseth", "Dong Jun", "Wei Fenghe", "Paparo", "Wu Yanan"} <= set(topic.people)
    assert {"call", "meeting", "refusal"} <= set(topic.kinds.values())


def test_threshold_comes_from_the_topic(raw_topic):
    doc = article(
        "Austin calls Chinese counterpart",
        "Defense Secretary Lloyd Austin called his Chinese counterpart, the Pentagon said.",
    )
    strict = copy.deepcopy(raw_topic)
    strict["threshold"] = 0.99
    assert score_article(load_topic(raw_topic), doc).relevant
    assert not score_article(load_topic(strict), doc).relevant


def _broken(raw: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(raw)
    *parents, last = path.split(".")
    node = raw
    for key in parents:
        node = node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return raw


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("threshold", "high", "'threshold'"),
        ("threshold", 1.5, "'threshold'"),
        ("colour", "red", "'colour'"),
        ("scoring.scale", 0, "'scoring.scale'"),
        ("scoring.speed", 1, "'scoring.speed'"),
        ("groups.us", KeyError, "'groups.us'"),
        ("groups.navy", {"terms": {}}, "'groups.navy'"),
        ("groups.talk.terms.call", "", "'groups.talk.terms.call'"),
        ("groups.talk.terms.call", [1, 2], "'groups.talk.terms.call'"),
        ("groups.talk.weights.hello", 1.0, "'groups.talk.weights.hello'"),
        ("groups.talk.inflect", "yes", "'groups.talk.inflect'"),
        ("groups.channel.mechanisms", ["Nope"], "'groups.channel.mechanisms'"),
        ("kinds.call", ["no such label"], "'kinds.call'"),
        ("exclusions.trade.rate", -1, "'exclusions.trade.rate'"),
        ("exclusions.trade.terms", [], "'exclusions.trade.terms'"),
        ("require", {"groups": ["us"]}, "'require'"),
        ("spelling.defence", 3, "'spelling.defence'"),
        ("traditional_chinese", "國国 会", "'traditional_chinese'"),
        ("traditional_chinese", 5, "'traditional_chinese'"),
    ],
)
def test_bad_topic_names_the_key(raw_topic, path, value, named):
    with pytest.raises(ValueError, match=named):
        load_topic(_broken(raw_topic, path, value))


def test_bad_requirement_group_named(raw_topic):
    raw = copy.deepcopy(raw_topic)
    raw["require"] = [{"groups": ["us", "navy"]}]
    with pytest.raises(ValueError, match=r"'require\[0\]\.groups'.*navy"):
        load_topic(raw)


def test_topic_must_be_a_table():
    with pytest.raises(ValueError, match="topic: must be a table"):
        load_topic(["not", "a", "table"])  # type: ignore[arg-type]


def test_evidence_is_explained_sentence_by_sentence(topic):
    analysis = analyse_article(
        topic,
        article(
            "Hegseth and Dong Jun hold video call",
            "Secretary of War Pete Hegseth held a video call with Chinese Defense Minister Dong Jun.",
            "The weather in Washington was mild.",
        ),
    )
    title, first, weather = analysis.sentences
    assert title.position == topic.title_bonus and title.link == 1.0
    assert first.position == topic.lead_bonus and first.link == 1.0
    assert weather.link == 0.0
    assert analysis.evidence == pytest.approx(topic.title_bonus + topic.lead_bonus)


# ------------------------------------------------------------------------------------ sentences and words


def test_sentences_end_at_stops_not_at_abbreviations_initials_or_decimals():
    text = (
        'Gen. Li Shangfu met Adm. John Aquilino in Jan. 2023. Talks went on! Was it "useful?" Yes.\n'
        "中美两军通话。会谈继续！ J. Smith said growth was 3.5 percent."
    )
    assert split_sentences(text) == [
        "Gen. Li Shangfu met Adm. John Aquilino in Jan. 2023.",
        "Talks went on!",
        'Was it "useful?"',
        "Yes.",
        "中美两军通话。",
        "会谈继续！",
        "J. Smith said growth was 3.5 percent.",
    ]


def test_sentence_end_pattern_finds_what_the_plain_alternation_finds():
    """The pattern is written with one leading class so the regex engine can skip ahead; it must find
    exactly the ends the plain spelling of the rule finds."""
    plain = re.compile(r"[。！？]+[”’」』\"]*|[.!?]+[\"'”’)\]]*(?=\s)|\n")
    pieces = list("aB .!?。！？\n\"'”’)]」x\t")
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        spans = [m.span() for m in _SENTENCE_END.finditer(text)]
        assert spans == [m.span() for m in plain.finditer(text)], repr(text)


def test_other_scripts_and_dashes_separate_words(topic):
    """Words are ASCII letters and digits: an em dash or a curly apostrophe between them separates them
    as a space would, so "Austin—Wei" is two names and "China’s" is China."""
    glued = [t.label for t in find_terms(topic, "Lloyd Austin—Wei Fenghe call, China’s defence chief said")]
    spaced = [t.label for t in find_terms(topic, "Lloyd Austin Wei Fenghe call, China defence chief said")]
    assert glued == spaced and {"Austin", "Wei Fenghe", "call"} <= set(glued)


def test_reasons_show_the_words_that_carried_the_score_grouped(topic):
    score = score_article(
        topic,
        article(
            "Pentagon says Beijing left its calls unreturned",
            "The defense secretary's calls to his Chinese counterpart have gone unreturned for months, "
            "the Pentagon said on Monday.",
            "Officials said a hotline set up in 2008 has rarely been used.",
            "Separately, the navy held maritime safety talks with Japan last year about port visits.",
        ),
    )
    assert score.relevant
    said = words(score.matched)
    assert "unreturned" in said and "restored" not in said  # the article's word, not a concept label
    assert "maritime safety talks" not in said and "MMCA" not in said  # a passing mention carried nothing
    line = reason_line(score.matched)
    assert line.startswith("who: Chinese counterpart, defense secretary")
    assert " · act: call, unreturned" in line
    assert [split_reason(m)[0] for m in score.matched] == sorted(
        (split_reason(m)[0] for m in score.matched), key=("who", "act", "channel").index
    )


def test_a_four_way_dialogue_is_found_by_its_military_sentences(topic):
    """Both defence chiefs sat with their diplomats: no call, no named channel, only what was said of
    the militaries. Those phrases are data in the topic, not names."""
    dialogue = article(
        "Diplomats and defense chiefs of both countries meet in a rare four-way format",
        "The foreign ministers and defense chiefs of the United States and China met in a four-way "
        "dialogue on Thursday, the first such gathering in years.",
        "The four agreed that relations between their militaries needed steadier footing and asked their "
        "staffs to draft a framework for communicating during military crises.",
        "The diplomats also discussed trade and visas.",
    )
    score = score_article(topic, dialogue)
    assert score.relevant, score
    assert any(m.startswith("channel:") for m in score.matched)


def test_the_loader_leaves_an_events_channels_section_alone(raw_topic):
    """``[[channels]]`` belongs to the events stage (issue 16): loading the topic must not reject it."""
    with_channels = {**raw_topic, "channels": [{"name": "hotline", "terms": ["defense telephone link"]}]}
    assert load_topic(with_channels).people == load_topic(raw_topic).people
    with pytest.raises(ValueError, match="topic: key 'channel' is unknown"):
        load_topic({**raw_topic, "channel": []})
