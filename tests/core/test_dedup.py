"""Dedup: a syndicated copy is the same article, a rewrite of the same event is not, in both languages."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from crawler.core.dedup import (
    _BASE,
    BANDS,
    NUM_PERM,
    ROWS,
    Fingerprint,
    _permutations,
    find_duplicate,
    fingerprint,
    near_duplicate,
    shingle_hashes,
    shingles,
)

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


def corpus() -> dict[str, dict[str, Any]]:
    docs = (json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.json")))
    return {d["id"]: d for d in docs}


WIRE = [
    "Defense Secretary Lloyd Austin spoke by video on Tuesday with Chinese Defense Minister Dong Jun, the "
    "first substantive talks between the two countries' defense chiefs in nearly a year and a half.",
    "The Pentagon said Austin stressed the importance of keeping military lines of communication open, "
    "especially in moments of tension, and raised concerns about recent conduct in the South China Sea.",
    "China's defense ministry said Dong told Austin that Beijing would never allow Taiwan to be separated "
    "and that the two militaries should act on the consensus reached by their presidents.",
    "Dong was appointed in December after his predecessor was removed from office without explanation. "
    "The last contact at this level was a meeting in Cambodia in November 2022.",
    "The call follows a conversation between the two presidents earlier this month and the restart of "
    "working-level talks between the militaries on maritime safety.",
]


def test_syndicated_copy_with_new_intro_and_trailer_is_the_same_article():
    copy = [
        "WASHINGTON (Wire) — The following report was provided by a news agency partner.",
        *WIRE[:4],  # trimmed: last paragraph dropped
        "Subscribe to our world newsletter. Copyright 2024 All rights reserved. Related: more on Asia.",
    ]
    copy[1] = copy[1].replace("Tuesday", "Tuesday evening")  # light editing
    original, syndicated = fingerprint("\n\n".join(WIRE)), fingerprint("\n\n".join(copy))
    assert near_duplicate(original, syndicated) and near_duplicate(syndicated, original)


def test_rewrite_of_the_same_event_is_not_a_duplicate():
    rewrite = (
        "Lloyd Austin and Dong Jun talked by video link on Tuesday, breaking a silence of about seventeen "
        "months between the Pentagon and China's defense ministry. Austin pressed for open military "
        "channels; Dong warned about Taiwan and said both sides should follow their leaders' consensus. "
        "Dong took office in December. Working-level talks on maritime safety restarted earlier."
    )
    assert not near_duplicate(fingerprint("\n\n".join(WIRE)), fingerprint(rewrite))


def test_corpus_copies_are_duplicates_and_nothing_else_is():
    docs = corpus()
    prints = {key: fingerprint(doc["text"]) for key, doc in docs.items()}
    copies = {(d["id"], d["duplicate_of"]) for d in docs.values() if d.get("duplicate_of")}
    assert len(copies) >= 3 and any(docs[a]["language"] == "zh" for a, _ in copies)
    found = set()
    for a, b in itertools.combinations(sorted(docs), 2):
        if near_duplicate(prints[a], prints[b]):
            found.add((a, b) if (a, b) in copies else (b, a))
    assert found == copies


def test_seed_wire_and_local_rewrite_share_text_but_are_not_one_article():
    docs = corpus()
    wire = fingerprint(docs["2022-04-21-en-seed002-wire-rare-call"]["text"])
    local = fingerprint(docs["2022-04-21-en-seed000-local-first-call"]["text"])
    assert 0.1 < wire.jaccard(local) < 0.5
    assert not near_duplicate(wire, local)


def test_chinese_text_is_shingled_by_characters():
    readout = "4月16日晚，国防部长董军应约与美国国防部长奥斯汀视频通话。双方就两军关系交换了意见。"
    assert all(len(s.split()) == 4 for s in shingles(readout))
    assert len(shingle_hashes(readout)) == len(shingles(readout))
    repost = "本网讯 据国防部网站消息：" + readout + "（责任编辑：王晓）"
    other = "9月9日晚，国防部长董军应约与美国战争部长赫格塞思视频通话。双方同意继续保持两军对话。"
    assert near_duplicate(fingerprint(readout), fingerprint(repost))
    assert not near_duplicate(fingerprint(readout), fingerprint(other))


def test_bytes_round_trip_for_the_store():
    fp = fingerprint("\n\n".join(WIRE))
    data = fp.to_bytes()
    assert isinstance(data, bytes) and len(data) < 600
    back = Fingerprint.from_bytes(data)
    assert back.size == fp.size and back.jaccard(fp) == 1.0 and near_duplicate(back, fp)
    assert Fingerprint.from_bytes(memoryview(data)).size == fp.size


def test_signatures_are_the_minhash_of_the_shingle_hashes():
    """``signature`` in numpy is, per permutation, the least (a * fmix32(h) + b) mod 2**32 over the
    text's shingle hashes: recomputed here with Python integers, so a faster computation cannot change
    the values stored fingerprints were made with."""

    def fmix32(h: int) -> int:
        h ^= h >> 16
        h = (h * 0x85EBCA6B) & 0xFFFFFFFF
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & 0xFFFFFFFF
        return h ^ (h >> 16)

    a, b = (row.ravel().tolist() for row in _permutations())
    assert len(a) == NUM_PERM and all(x % 2 for x in a)
    for text in ("\n\n".join(WIRE), "美国国防部长与中国国防部长举行视频通话", "short text", ""):
        hashes = [fmix32(h) for h in shingle_hashes(text).tolist()]
        expected = [min(((ai * h + bi) & 0xFFFFFFFF for h in hashes), default=0xFFFFFFFF)
                    for ai, bi in zip(a, b, strict=True)]
        assert fingerprint(text).hashvalues.tolist() == expected, text


def test_shingle_hashes_are_the_readable_shingles_hashed():
    """The fast paths (bytes for Latin text, numpy prefix sums) must hash exactly the shingles
    ``shingles`` spells out, with the hash stored fingerprints were made with: the polynomial
    sum of (byte + 1) * BASE**k mod 2**64 over the shingle's UTF-8, folded to 32 bits."""

    def reference(shingle: str) -> int:
        value = sum((byte + 1) * pow(_BASE, k, 2**64) for k, byte in enumerate(shingle.encode())) % 2**64
        return (value ^ (value >> 32)) & 0xFFFFFFFF

    texts = [
        "\n\n".join(WIRE),
        "China’s defence chief—Dong Jun—met Austin; the café talks ran 3.5 hours. Résumé: 45-minute call.",
        "Temperature 300 \u212a: the Kelvin sign lower-cases to k.",
        "美国国防部长与中国国防部长举行视频通话 (video call) on 16 April",
        "Two words",
        "",
        "  ’’ —— ",
    ]
    for text in texts:
        assert shingle_hashes(text).tolist() == sorted({reference(s) for s in shingles(text)}), text
        assert fingerprint(text).size == len(shingles(text)), text


def test_fingerprint_bytes_round_trip_and_refuse_anything_else():
    """A header (magic, shingle count) and the values; any other layout is refused with a clear error,
    including the datasketch-header layout of unreleased builds ("HLF1")."""
    fp = fingerprint("\n\n".join(WIRE))
    new = fp.to_bytes()
    assert new[:4] == b"HLF2" and len(new) == 8 + 4 * NUM_PERM
    assert Fingerprint.from_bytes(new) == fp
    old = b"HLF1" + new[4:8] + b"\x01" + bytes(7) + (-NUM_PERM).to_bytes(4, "little", signed=True) + b"\x01"
    for broken in (old + new[8:], b"HLF2" + new[4:-4], b"XXXX" + new[4:], b"HLF"):
        with pytest.raises(ValueError, match="fingerprint: "):
            Fingerprint.from_bytes(broken)


def test_band_keys_keep_their_stored_form():
    """Band keys are stored in the index: band number, then the band's three values mixed mod 2**64 as
    16 hex digits. Recomputed here with Python integers, so a faster computation cannot change them."""
    fp = fingerprint("\n\n".join(WIRE))
    values = fp.hashvalues.tolist()
    weights = [pow(_BASE, ROWS - 1 - k, 2**64) for k in range(ROWS)]
    rows = [values[band * ROWS : band * ROWS + ROWS] for band in range(BANDS)]
    mixed = [sum(v * w for v, w in zip(row, weights, strict=True)) % 2**64 for row in rows]
    expected = tuple(f"{band:02d}{value:016x}" for band, value in enumerate(mixed))
    assert fp.band_keys() == expected


@pytest.mark.parametrize("data", [b"", b"HLF", b"XXXX" + bytes(600), b"HLF1\x05\x00\x00\x00garbage"])
def test_bad_bytes_are_a_clear_error(data):
    with pytest.raises(ValueError, match=r"^fingerprint: "):
        Fingerprint.from_bytes(data)


def test_empty_text_matches_nothing():
    empty = fingerprint("")
    assert empty.size == 0
    assert not near_duplicate(empty, fingerprint(""))
    assert not near_duplicate(empty, fingerprint("\n\n".join(WIRE)))
    assert fingerprint("   ").size == 0


def test_short_texts_need_real_overlap():
    assert near_duplicate(fingerprint("Austin called Dong"), fingerprint("Austin called Dong."))
    assert not near_duplicate(fingerprint("Austin called Dong on Tuesday"), fingerprint("Dong called Austin"))


def test_find_duplicate_returns_the_closest_key():
    text = "\n\n".join(WIRE)
    candidates = [
        ("unrelated", fingerprint("The Browns' defense prepared for the Chiefs all week in Cleveland.")),
        ("trimmed", fingerprint("\n\n".join(WIRE[:4]))),
        ("exact", fingerprint(text)),
    ]
    assert find_duplicate(fingerprint(text), candidates) == "exact"
    assert find_duplicate(fingerprint("something else entirely, about football"), candidates) is None


def test_band_keys_find_copies_and_skip_unrelated_texts():
    docs = corpus()
    index: dict[str, set[str]] = {}
    for key, doc in docs.items():
        for band in fingerprint(doc["text"]).band_keys():
            index.setdefault(band, set()).add(key)
    for key, doc in docs.items():
        fp = fingerprint(doc["text"])
        candidates = set().union(*(index[band] for band in fp.band_keys())) - {key}
        if doc.get("duplicate_of"):
            assert doc["duplicate_of"] in candidates, key
        assert len(candidates) <= 5, (key, candidates)  # a handful, not the whole store
    assert fingerprint("").band_keys() == ()
    keys = fingerprint("\n\n".join(WIRE)).band_keys()
    assert (
        len(keys) == len(set(keys)) == 42
        and keys == Fingerprint.from_bytes(fingerprint("\n\n".join(WIRE)).to_bytes()).band_keys()
    )
