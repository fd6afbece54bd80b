"""Near-duplicate text: MinHash signatures over shingles, so a syndicated wire copy is the same article.

An outlet that reprints a wire story adds its own intro, trailer and headline but keeps the body; the
shingle sets then overlap almost entirely, while two reporters writing about the same call share few
4-word runs. Shingles are runs of word tokens for alphabetic text and of single characters for Chinese
(no segmentation needed). Signatures are datasketch ``LeanMinHash`` values; the store keeps
``Fingerprint.to_bytes()`` as a BLOB. Canonical-URL equality is ``crawler.urls.canonical_url``'s job.
Pure: no IO.
"""

from __future__ import annotations

import functools
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash

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

_MAGIC = b"HLF1"
_HEADER = struct.Struct("<4sI")  # magic, shingle count
_TOKEN = re.compile(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A shingle's hash is a polynomial hash of its bytes ("w1 w2 w3 w4"), computed for every shingle at once
# from prefix sums (numpy, arithmetic mod 2**64), folded to 32 bits; datasketch then mixes it and applies
# the permutations. Stable across processes and platforms.
_BASE = 0x100000001B3  # the 64-bit FNV prime: odd, so invertible mod 2**64
_LOW32 = np.uint64(0xFFFFFFFF)
_SPACE = np.uint64(ord(" ") + 1)
_powers_cache: list[np.ndarray] = []
_BAND_WEIGHTS = np.array([pow(_BASE, k, 2**64) for k in range(ROWS - 1, -1, -1)], dtype=np.uint64)


@functools.cache
def _datasketch() -> Any:
    """datasketch, imported on first use: its import pulls in scipy (about a second), which a crawl
    that meets no new article, or a feed rebuild, should not pay."""
    import datasketch

    return datasketch


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters (a, b) for NUM_PERM and SEED, as (1, NUM_PERM) rows."""
    a, b = _datasketch().MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations
    return a.astype(np.uint32).reshape(1, -1), b.astype(np.uint32).reshape(1, -1)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: the pre-mix datasketch's affine32 scheme applies to each input."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def signature(hashes: np.ndarray) -> np.ndarray:
    """MinHash values of a set of 32-bit hashes, exactly as datasketch's ``MinHash(scheme="affine32")
    .update_batch`` computes them, in one numpy step (its per-item Python loop and object setup cost
    more than the arithmetic for an article's few hundred shingles)."""
    a, b = _permutations()
    if not hashes.size:
        return np.full(NUM_PERM, np.uint32(0xFFFFFFFF), dtype=np.uint32)
    mixed = _fmix32(hashes.astype(np.uint32).reshape(-1, 1))
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


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A text's MinHash signature and how many distinct shingles it had (for containment estimates)."""

    minhash: LeanMinHash
    size: int

    def to_bytes(self) -> bytes:
        """Header (magic, shingle count) followed by datasketch's own little-endian serialisation."""
        buf = bytearray(self.minhash.bytesize(byteorder="<"))
        self.minhash.serialize(buf, byteorder="<")
        return _HEADER.pack(_MAGIC, self.size) + bytes(buf)

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Inverse of ``to_bytes``; ValueError when the bytes are not a hotline fingerprint."""
        if not isinstance(data, bytes | bytearray | memoryview) or len(data) < _HEADER.size:
            raise ValueError("fingerprint: not a hotline fingerprint (too short)")
        magic, size = _HEADER.unpack_from(bytes(data[: _HEADER.size]))
        if magic != _MAGIC:
            raise ValueError("fingerprint: not a hotline fingerprint (bad header); recompute it")
        try:
            minhash = _datasketch().LeanMinHash.deserialize(bytes(data[_HEADER.size :]), byteorder="<")
        except Exception as exc:  # datasketch raises struct.error, ValueError, IndexError
            raise ValueError(f"fingerprint: corrupt signature ({exc}); recompute it from the text") from None
        if len(minhash) != NUM_PERM:
            raise ValueError(f"fingerprint: {len(minhash)} permutations, expected {NUM_PERM}; recompute it")
        return cls(minhash, size)

    def band_keys(self) -> tuple[str, ...]:
        """LSH band keys: index them, and look near duplicates up among articles sharing any key."""
        if not self.size:
            return ()
        rows = self.minhash.hashvalues[: BANDS * ROWS].astype(np.uint64).reshape(BANDS, ROWS)
        mixed = (rows * _BAND_WEIGHTS).sum(axis=1)  # one 64-bit value per band (mod 2**64)
        return tuple(f"{band:02d}{value:016x}" for band, value in enumerate(mixed.tolist()))

    def jaccard(self, other: Fingerprint) -> float:
        """Estimated Jaccard similarity of the two shingle sets (0 when either text was empty)."""
        if not self.size or not other.size:
            return 0.0
        return float(self.minhash.jaccard(other.minhash))

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


def shingle_hashes(text: str) -> np.ndarray:
    """Distinct 32-bit hashes of the text's shingles (the same shingles as ``shingles``)."""
    found = tokens(text)
    if not found:
        return np.empty(0, dtype=np.uint64)
    data = np.frombuffer(" ".join(found).encode(), dtype=np.uint8).astype(np.uint64) + np.uint64(1)
    forward, inverse = _powers(data.size)
    prefix = np.zeros(data.size + 1, dtype=np.uint64)
    np.cumsum(data * forward[: data.size], out=prefix[1:])
    spaces = np.flatnonzero(data == _SPACE)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [data.size]))
    if len(found) <= SHINGLE:
        starts, ends = starts[:1], ends[-1:]
    else:
        starts, ends = starts[: len(found) - SHINGLE + 1], ends[SHINGLE - 1 :]
    spans = (prefix[ends] - prefix[starts]) * inverse[starts]  # hash of bytes starts..ends, mod 2**64
    hashes = np.sort((spans ^ (spans >> np.uint64(32))) & _LOW32)
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]  # np.unique, 3x faster here


def fingerprint(text: str) -> Fingerprint:
    """MinHash signature of a text's shingles; empty text gives an empty fingerprint that matches nothing."""
    hashes = shingle_hashes(text)
    minhash = _datasketch().LeanMinHash(seed=SEED, hashvalues=signature(hashes), scheme="affine32")
    return Fingerprint(minhash, int(hashes.size))


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
    signatures = np.stack([other.minhash.hashvalues for _, other in items])
    similarity = np.count_nonzero(signatures == fp.minhash.hashvalues, axis=1) / NUM_PERM
    best: tuple[float, K] | None = None
    for (key, other), jaccard in zip(items, similarity.tolist(), strict=True):
        if same_article(jaccard, fp.size, other.size) and (best is None or jaccard > best[0]):
            best = (jaccard, key)
    return best[1] if best else None
