"""Goal-text similarity for Indonesian and English, in NumPy only.

Each goal text is normalised (lower case, accents stripped, a small Indonesian -> English
synonym map so that "pemasaran digital" and "digital marketing" meet, stop words of both
languages dropped), cut into character 3-, 4- and 5-grams (robust to Indonesian affixes and
typos), weighted by TF-IDF and reduced by latent semantic analysis to `dim` dimensions. The
similarity of two goals is the cosine of their vectors, clipped to [0, 1]. With fewer distinct
texts than dimensions the reduction loses nothing: the cosine is the exact TF-IDF cosine.

The reduction keeps the all-pairs similarity a small dense matrix product, which is what lets
the engine score every pair of a large programme.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

DEFAULT_DIM = 32
NGRAM_SIZES = (3, 4, 5)
_SEED = 20240611

# Indonesian -> English (a shared vocabulary); multi-word phrases first.
SYNONYMS: dict[str, str] = {
    "media sosial": "social media",
    "kecerdasan buatan": "ai",
    "artificial intelligence": "ai",
    "analisis data": "data analysis",
    "ilmu data": "data science",
    "pemasaran digital": "digital marketing",
    "public speaking": "public speaking",
    "berbicara di depan umum": "public speaking",
    "manajemen proyek": "project management",
    "manajemen pemangku kepentingan": "stakeholder management",
    "pemangku kepentingan": "stakeholder",
    "pengalaman pelanggan": "customer experience",
    "analitik": "analytics",
    "analisis": "analysis",
    "pemasaran": "marketing",
    "penjualan": "sales",
    "keuangan": "finance",
    "kepemimpinan": "leadership",
    "pemimpin": "leader",
    "memimpin": "lead",
    "strategi": "strategy",
    "strategis": "strategic",
    "konten": "content",
    "komunikasi": "communication",
    "presentasi": "presentation",
    "negosiasi": "negotiation",
    "manajemen": "management",
    "mengelola": "manage",
    "proyek": "project",
    "produk": "product",
    "pelanggan": "customer",
    "tim": "team",
    "keberagaman": "diversity",
    "inklusi": "inclusion",
    "inklusif": "inclusive",
    "teknologi": "technology",
    "pemrograman": "programming",
    "desain": "design",
    "bisnis": "business",
    "karier": "career",
    "karir": "career",
    "jaringan": "network",
    "umpan balik": "feedback",
    "keterampilan": "skills",
    "kemampuan": "skills",
    "keahlian": "skills",
    "otomasi": "automation",
    "inovasi": "innovation",
    "keamanan": "security",
    "siber": "cyber",
    "awan": "cloud",
    "tren": "trends",
    "generasi": "generation",
    "muda": "young",
    "belajar": "learn",
    "mempelajari": "learn",
    "memahami": "understand",
    "meningkatkan": "improve",
    "mengembangkan": "develop",
    "pengembangan": "development",
    "membangun": "build",
    "percaya diri": "confidence",
    "kepercayaan diri": "confidence",
    "waktu": "time",
    "keputusan": "decision",
    "budaya": "culture",
    "kolaborasi": "collaboration",
}

STOP_WORDS: frozenset[str] = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "from",
        "as",
        "is",
        "are",
        "be",
        "been",
        "being",
        "was",
        "were",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "they",
        "them",
        "their",
        "into",
        "about",
        "more",
        "most",
        "want",
        "wants",
        "would",
        "like",
        "get",
        "how",
        "what",
        "which",
        "who",
        "can",
        "could",
        "will",
        "should",
        "than",
        "then",
        "so",
        "also",
        "very",
        "better",
        "good",
        "new",
        "dan",
        "atau",
        "di",
        "ke",
        "dari",
        "yang",
        "untuk",
        "dengan",
        "pada",
        "dalam",
        "ini",
        "itu",
        "saya",
        "aku",
        "kami",
        "kita",
        "anda",
        "mereka",
        "ingin",
        "mau",
        "akan",
        "bisa",
        "dapat",
        "lebih",
        "agar",
        "supaya",
        "serta",
        "juga",
        "tentang",
        "sebagai",
        "oleh",
        "para",
        "bagi",
        "secara",
        "yg",
        "tsb",
        "baru",
        "baik",
    ]
)

# too generic to explain a match
_PLAIN_WORDS = frozenset({"learn", "improve", "understand", "develop", "build", "skills", "time"})

_NON_WORD = re.compile(r"[^a-z0-9]+")
_PHRASES = sorted((k for k in SYNONYMS if " " in k), key=len, reverse=True)
_WORDS = {k: v for k, v in SYNONYMS.items() if " " not in k}


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower case ASCII words with synonyms applied and stop words dropped."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = " " + _NON_WORD.sub(" ", text.lower()).strip() + " "
    for phrase in _PHRASES:
        if f" {phrase} " in text:
            text = text.replace(f" {phrase} ", f" {SYNONYMS[phrase]} ")
    words = [_WORDS.get(word, word) for word in text.split()]
    return " ".join(word for word in words if word not in STOP_WORDS)


def goal_words(text: str) -> list[str]:
    """Content words of a goal text, in order, without repeats (for reasons)."""
    return list(_goal_words(text))


@functools.lru_cache(maxsize=65536)
def _goal_words(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for word in normalise(text).split():
        if (len(word) >= 3 or word == "ai") and word not in _PLAIN_WORDS:
            seen.setdefault(word, None)
    return tuple(seen)


def shared_goal_words(text_a: str, text_b: str, limit: int = 4) -> list[str]:
    return list(_shared_goal_words(text_a, text_b, limit))


@functools.lru_cache(maxsize=65536)
def _shared_goal_words(text_a: str, text_b: str, limit: int) -> tuple[str, ...]:
    other = set(goal_words(text_b))
    return tuple([word for word in goal_words(text_a) if word in other][:limit])


def tfidf_matrix(texts: Sequence[str]) -> sp.csr_matrix:
    """Rows: texts; columns: character n-grams; sublinear TF-IDF, rows L2-normalised."""
    n = len(texts)
    padded = [f" {normalise(text)} " if text.strip() else "" for text in texts]
    encoded = [t.encode("ascii") for t in padded]
    lengths = np.array([len(b) for b in encoded], dtype=np.int64)
    # a zero byte between documents: no n-gram spans two texts
    buffer = np.frombuffer(b"\0".join(encoded) + b"\0", dtype=np.uint8).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    keys_list = []
    docs_list = []
    for size in NGRAM_SIZES:
        count = len(buffer) - size + 1
        if count <= 0:
            continue
        key = np.zeros(count, dtype=np.int64)
        valid = np.ones(count, dtype=bool)
        for offset in range(size):
            window = buffer[offset : offset + count]
            key = key * 256 + window
            valid &= window != 0
        key += size << 40
        positions = np.flatnonzero(valid)
        keys_list.append(key[positions])
        docs_list.append(np.searchsorted(starts, positions, side="right") - 1)
    if not keys_list or not sum(len(k) for k in keys_list):
        return sp.csr_matrix((n, 1))
    keys = np.concatenate(keys_list)
    docs = np.concatenate(docs_list)
    vocabulary, columns = np.unique(keys, return_inverse=True)
    counts = sp.csr_matrix(
        (np.ones(len(keys)), (docs, columns)), shape=(n, len(vocabulary)), dtype=np.float64
    )
    counts.sum_duplicates()
    document_frequency = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1.0 + n) / (1.0 + document_frequency)) + 1.0
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ counts)


def _reduce(matrix: sp.csr_matrix, dim: int) -> np.ndarray:
    """Rows of `matrix` projected on its top `dim` right singular vectors (LSA)."""
    rows = matrix.shape[0]
    if rows <= 2048:
        gram = (matrix @ matrix.T).toarray()
        values, vectors = np.linalg.eigh(gram)
        keep = np.argsort(values)[::-1][:dim]
        values = np.clip(values[keep], 0.0, None)
        return vectors[:, keep] * np.sqrt(values)
    rng = np.random.default_rng(_SEED)
    width = dim + 10
    omega = rng.standard_normal((matrix.shape[1], width))
    basis, _ = np.linalg.qr(matrix @ omega)
    for _ in range(2):
        basis, _ = np.linalg.qr(matrix @ (matrix.T @ basis))
    small = (matrix.T @ basis).T  # width x vocabulary
    left, singular, _ = np.linalg.svd(small, full_matrices=False)
    return basis @ (left[:, :dim] * singular[:dim])


def goal_embeddings(texts: Sequence[str], dim: int = DEFAULT_DIM) -> np.ndarray:
    """(n, dim) vectors of unit length (zero for an empty text); cosine = dot product."""
    n = len(texts)
    keys = [normalise(text) for text in texts]
    unique: dict[str, int] = {}
    inverse = np.array([unique.setdefault(key, len(unique)) for key in keys], dtype=np.int64)
    distinct = list(unique)
    matrix = tfidf_matrix(distinct)
    reduced = _reduce(matrix, dim)
    out = np.zeros((len(distinct), dim))
    out[:, : reduced.shape[1]] = reduced
    norms = np.linalg.norm(out, axis=1)
    nonzero = norms > 1e-12
    out[nonzero] /= norms[nonzero, None]
    out[~nonzero] = 0.0
    result = out[inverse] if n else np.zeros((0, dim))
    return np.ascontiguousarray(result)
