"""Near-duplicate text: MinHash signatures over shingles, so a syndicated wire copy is the same article.

An outlet that reprints a wire story adds its own intro, trailer and headline but keeps the body; the
shingle sets then overlap almost entirely, while two reporters writing about the same call share few
4-word runs. Shingles are runs of word tokens for alphabetic text and of single characters for Chinese
(no segmentation needed). Signatures use datasketch's affine32 MinHash scheme, computed here in a few numpy
steps (importing datasketch would pull scipy into every crawl process for a 128-value container). The
store keeps ``Fingerprint.to_bytes()`` as a BLOB: a short header, then the values.
Canonical-URL equality is ``crawler.core.urls.canonical_url``'s job. Pure: no IO.
"""

from __future__ import annotations

import functools
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from crawler.core.text import IDEOGRAPH_RANGES, has_ideographs

NUM_PERM = 128
SHINGLE = 4  # tokens per shingle: 4 words, or 4 Chinese characters
SEED = 1
JACCARD_SAME = 0.5  # estimated Jaccard at which two texts are one article
CONTAINMENT_SAME = 0.8  # share of the shorter text found in the longer one (trimmed copies)
MIN_SIZE_RATIO = 0.4  # the shorter text must be at least this share of the longer one for containment
MIN_SHINGLES = 20  # below this, only the Jaccard test applies (short texts share runs by chance)
# LSH banding for the store's index: two texts share a band key with probability 1 - (1 - J**ROWS)**BANDS,
# 94% at J = 0.4, 99.6% at J = 0.5 (the duplicate threshold), 15% at J = 0.1.
BANDS, ROWS = 42, 3

_MAGIC = b"HLF2"
_HEADER = struct.Struct("<4sI")  # magic, shingle count; then NUM_PERM little-endian uint32 values
_TOKEN = re.compile(f"[a-z0-9]+|[{IDEOGRAPH_RANGES}]")
_TOKEN_BYTES = bytes(b if chr(b) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for b in range(256))
# A shingle's hash is a polynomial hash of its bytes ("w1 w2 w3 w4"), computed for every shingle at once
# from prefix sums (numpy, arithmetic mod 2**64), folded to 32 bits; the MinHash then mixes it and applies
# the permutations. Stable across processes and platforms. Each numpy call costs microseconds on a cold
# cache (right after extraction): the steps below are kept few.
_BASE = 0x100000001B3  # the 64-bit FNV prime: odd, so invertible mod 2**64
_powers_cache: list[np.ndarray] = []
_BAND_WEIGHTS = np.array([pow(_BASE, k, 2**64) for k in range(ROWS - 1, -1, -1)], dtype=np.uint64)
_BAND_NAMES = [f"{band:02d}" for band in range(BANDS)]  # a key is the band number, then 16 hex digits


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The permutations (a, b): odd multipliers a, offsets b, from ``numpy.random.RandomState(SEED)``
    (drawn as datasketch's affine32 scheme draws them); as (1, NUM_PERM) rows."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a.reshape(1, -1), b.reshape(1, -1)


_FMIX = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35))


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: mixes each input before the permutations."""
    shift16, multiply1, shift13, multiply2 = _FMIX
    values = values ^ (values >> shift16)
    values = values * multiply1
    values = values ^ (values >> shift13)
    values = values * multiply2
    return values ^ (values >> shift16)


def signature(hashes: np.ndarray) -> np.ndarray:
    """MinHash values of a set of 32-bit hashes: per permutation, the least ``a * fmix32(h) + b``
    (mod 2**32), in one numpy step."""
    a, b = _permutations()
    if not hashes.size:
        return np.full(NUM_PERM, np.uint32(0xFFFFFFFF), dtype=np.uint32)
    mixed = _fmix32(hashes.astype(np.uint32, copy=False).reshape(-1, 1))
    return (mixed * a + b).min(axis=0)


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i (mod 2**64) for i < n, extended on demand."""
    if not _powers_cache or _powers_cache[0].size < n:
        size = max(n, 1 << 14, 2 * (_powers_cache[0].size if _powers_cache else 0))
        forward = np.full(size, _BASE, dtype=np.uint64)
        inverse = np.full(size, pow(_BASE, -1, 2**64), dtype=np.uint64)
        forward[0] = inverse[0] = 1
        _powers_cache[:] = [np.cumprod(forward, dtype=np.uint64), np.cumprod(inverse, dtype=np.uint64)]
    return _powers_cache[0], _powers_cache[1]


K = TypeVar("K")


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprint:
    """A text's MinHash signature (NUM_PERM uint32 values) and how many distinct shingles it had (for
    containment estimates)."""

    hashvalues: np.ndarray
    size: int

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprint):
            return NotImplemented
        return self.size == other.size and bool(np.array_equal(self.hashvalues, other.hashvalues))

    __hash__ = None  # type: ignore[assignment]  # mutable array inside: not a dict key

    def to_bytes(self) -> bytes:
        """Header (magic, shingle count), then the signature's values."""
        return _HEADER.pack(_MAGIC, self.size) + self.hashvalues.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Inverse of ``to_bytes``; ValueError when the bytes are not a hotline fingerprint."""
        if not isinstance(data, bytes | bytearray | memoryview) or len(data) < _HEADER.size:
            raise ValueError("fingerprint: not a hotline fingerprint (too short)")
        data = bytes(data)
        magic, size = _HEADER.unpack_from(data)
        if magic != _MAGIC:
            raise ValueError("fingerprint: not a hotline fingerprint (bad header); recompute it")
        if len(data) != _HEADER.size + 4 * NUM_PERM:
            raise ValueError(f"fingerprint: corrupt signature ({len(data)} bytes); recompute it from text")
        values = np.frombuffer(data, dtype="<u4", count=NUM_PERM, offset=_HEADER.size)
        return cls(values.astype(np.uint32), size)

    def band_keys(self) -> tuple[str, ...]:
        """LSH band keys: index them, and look near duplicates up among articles sharing any key."""
        if not self.size:
            return ()
        rows = self.hashvalues[: BANDS * ROWS].reshape(BANDS, ROWS).astype(np.uint64)
        digits = (rows @ _BAND_WEIGHTS).astype(">u8").tobytes().hex()  # one 64-bit value per band, mod 2**64
        return tuple([_BAND_NAMES[band] + digits[16 * band : 16 * band + 16] for band in range(BANDS)])

    def jaccard(self, other: Fingerprint) -> float:
        """Estimated Jaccard similarity of the two shingle sets (0 when either text was empty)."""
        if not self.size or not other.size:
            return 0.0
        return np.count_nonzero(self.hashvalues == other.hashvalues) / NUM_PERM

    def containment(self, other: Fingerprint) -> float:
        """Estimated share of the smaller shingle set that the larger one also holds."""
        j = self.jaccard(other)
        if not j:
            return 0.0
        shared = j * (self.size + other.size) / (1.0 + j)
        return min(1.0, shared / min(self.size, other.size))


def tokens(text: str) -> list[str]:
    """Lower-cased words and single CJK characters: what shingles are made of."""
    return _TOKEN.findall((text or "").lower())


def shingles(text: str) -> set[str]:
    """Distinct runs of SHINGLE tokens (the whole text when shorter), for reading; fingerprints hash them."""
    found = tokens(text)
    if len(found) <= SHINGLE:
        return {" ".join(found)} if found else set()
    return {" ".join(found[i : i + SHINGLE]) for i in range(len(found) - SHINGLE + 1)}


def _joined_tokens(text: str) -> bytes:
    """The tokens joined by single spaces, in UTF-8: the bytes shingle hashes are computed over.

    Text without Chinese takes a bytes path (every byte but a-z0-9 becomes a space, then split): the
    same tokens as ``tokens``, at a third of the regex's cost. ``lower()`` comes first in both paths, so
    a character that lower-cases to ASCII (the Kelvin sign) counts alike.
    """
    lower = (text or "").lower()
    encoded = lower.encode()
    if has_ideographs(lower, encoded):
        return " ".join(_TOKEN.findall(lower)).encode()
    return b" ".join(encoded.translate(_TOKEN_BYTES).split())


def _shingle_values(text: str) -> np.ndarray:
    """The 32-bit hash of each shingle of the text, in text order, repeats included."""
    joined = _joined_tokens(text)
    if not joined:
        return np.empty(0, dtype=np.uint32)
    padded = np.frombuffer(b" " + joined + b" ", dtype=np.uint8)
    raw, size = padded[1:-1], len(joined)
    edges = np.flatnonzero(padded == 32) - 1  # the spaces around each token: -1, ..., size
    count = edges.size - 1  # tokens
    shingles = max(1, count - SHINGLE + 1)
    starts, ends = edges[:shingles] + 1, edges[min(count, SHINGLE) :]
    forward, inverse = _powers(size)
    prefix = np.zeros(size + 1, dtype=np.uint64)
    np.cumsum(np.add(raw, 1, dtype=np.uint64) * forward[:size], out=prefix[1:])
    spans = (prefix[ends] - prefix[starts]) * inverse[starts]  # hash of bytes starts..ends, mod 2**64
    halves = spans.view(np.uint32)  # the two 32-bit halves of each value, in either byte order
    return halves[0::2] ^ halves[1::2]  # folded: low half xor high half


def shingle_hashes(text: str) -> np.ndarray:
    """Distinct 32-bit hashes of the text's shingles (the same shingles as ``shingles``), sorted."""
    hashes = np.sort(_shingle_values(text))
    if not hashes.size:
        return hashes
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]  # np.unique, 3x faster here


def fingerprint(text: str) -> Fingerprint:
    """MinHash signature of a text's shingles; empty text gives an empty fingerprint that matches nothing.

    Repeated shingles leave the minimum unchanged, so only their count needs the distinct ones.
    """
    hashes = _shingle_values(text)
    return Fingerprint(signature(hashes), len(set(hashes.tolist())))


def near_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    """Same article: shingle sets mostly shared, or a trimmed copy nearly contained in the original."""
    return same_article(a.jaccard(b), a.size, b.size)


def same_article(jaccard: float, size_a: int, size_b: int) -> bool:
    """The near-duplicate rule on an already estimated Jaccard (story matching computes it once)."""
    if not size_a or not size_b or not jaccard:
        return False
    if jaccard >= JACCARD_SAME:
        return True
    small, large = sorted((size_a, size_b))
    if small < MIN_SHINGLES or small / large < MIN_SIZE_RATIO:
        return False
    return jaccard * (size_a + size_b) / (1.0 + jaccard) / small >= CONTAINMENT_SAME


def find_duplicate(fp: Fingerprint, candidates: Iterable[tuple[K, Fingerprint]]) -> K | None:
    """The key of the most similar candidate that is a near duplicate of ``fp``, or None."""
    items = [(key, other) for key, other in candidates if other.size]
    if not fp.size or not items:
        return None
    signatures = np.stack([other.hashvalues for _, other in items])
    similarity = np.count_nonzero(signatures == fp.hashvalues, axis=1) / NUM_PERM
    best: tuple[float, K] | None = None
    for (key, other), jaccard in zip(items, similarity.tolist(), strict=True):
        if same_article(jaccard, fp.size, other.size) and (best is None or jaccard > best[0]):
            best = (jaccard, key)
    return best[1] if best else None
