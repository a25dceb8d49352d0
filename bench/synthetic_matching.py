"""A deterministic synthetic organisation for the matching benchmark, built straight as arrays.

An Indonesian company of mentees + mentors people: a management tree (about six reports each,
seniority falling with depth), twelve departments, languages (Indonesian, English, Javanese),
five time zones with weekly availability in local working hours, 300 skills with a long-tail
popularity (each person teaches 5-10 and wants 3-5, by priority), goal texts in Indonesian or
English, mentor capacities 1-3, a few preferences, avoid pairs, forbidden and locked pairs.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from balik.matching.engine import (
    MatchInput,
    People,
    Settings,
    euler_tour,
)

SKILLS = 300
TIME_ZONES_HOURS = np.array([7, 8, 9, 0, 1])  # Jakarta, Makassar, Jayapura, London, Amsterdam
TIME_ZONE_SHARE = np.array([0.70, 0.18, 0.06, 0.03, 0.03])
GOAL_PHRASES = [
    "learn tiktok content strategy",
    "belajar strategi konten media sosial",
    "improve public speaking and presentations",
    "meningkatkan kepemimpinan tim",
    "understand ai trends for the business",
    "memahami tren kecerdasan buatan",
    "strategi pemasaran digital",
    "digital marketing analytics",
    "excel financial modelling",
    "manajemen proyek agile",
    "agile project management",
    "stakeholder management",
    "negosiasi dengan pelanggan",
    "customer experience design",
    "data analysis with python",
    "analisis data dengan sql",
    "career growth into management",
    "pengembangan karier",
    "cloud security basics",
    "keamanan siber",
    "product management",
    "desain produk",
    "coaching and feedback",
    "umpan balik yang membangun",
    "inclusive leadership",
    "budaya kolaborasi tim",
    "sales pipeline and forecasting",
    "penjualan b2b",
    "understand gen z customers",
    "memahami generasi muda",
]


def _skill_matrix(
    rng: np.random.Generator, n: int, low: int, high: int, popularity: np.ndarray
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(levels, priorities) with low..high distinct skills per person, drawn by popularity."""
    counts = rng.integers(low, high + 1, n)
    draws = high * 3
    picks = rng.choice(SKILLS, size=(n, draws), p=popularity)
    rows, cols = [], []
    # first `count` distinct skills per person, vectorised: sort each row, mark repeats
    order = np.argsort(picks, axis=1, kind="stable")
    sorted_picks = np.take_along_axis(picks, order, axis=1)
    repeat = np.zeros_like(picks, dtype=bool)
    repeat[:, 1:] = sorted_picks[:, 1:] == sorted_picks[:, :-1]
    first_seen = np.ones_like(picks, dtype=bool)
    np.put_along_axis(first_seen, order, ~repeat, axis=1)
    rank = np.cumsum(first_seen, axis=1)
    chosen = first_seen & (rank <= counts[:, None])
    rows = np.repeat(np.arange(n), chosen.sum(axis=1))
    cols = picks[chosen]
    priority = rank[chosen]
    levels = rng.choice([1, 2, 3], size=len(cols), p=[0.35, 0.4, 0.25])
    shape = (n, SKILLS)
    return (
        sp.csr_matrix((levels.astype(np.int8), (rows, cols)), shape=shape),
        sp.csr_matrix((priority.astype(np.int16), (rows, cols)), shape=shape),
    )


def _availability(rng: np.random.Generator, n: int) -> np.ndarray:
    """Two to four local blocks of 1-2 hours on weekdays 08:00-18:00, shifted to UTC."""
    offset = rng.choice(TIME_ZONES_HOURS, size=n, p=TIME_ZONE_SHARE)
    bits = np.zeros((n, 7 * 48), dtype=bool)
    blocks = rng.integers(2, 5, n)
    for block in range(4):
        has = blocks > block
        day = rng.integers(0, 5, n)
        start_hour = rng.integers(8, 17, n)
        length = rng.integers(2, 5, n)  # half hours
        for half in range(4):
            on = has & (half < length)
            slot = (day * 48 + (start_hour - offset) * 2 + half) % (7 * 48)
            bits[np.flatnonzero(on), slot[on]] = True
    packed = np.zeros((n, 6), dtype=np.uint64)
    for word in range(6):
        chunk = bits[:, word * 64 : (word + 1) * 64].astype(np.uint64)
        packed[:, word] = (chunk << np.arange(chunk.shape[1], dtype=np.uint64)).sum(
            axis=1, dtype=np.uint64
        )
    return packed


def organisation(
    n_mentees: int, n_mentors: int, *, kind: str = "classic", seed: int = 2024
) -> MatchInput:
    rng = np.random.default_rng(seed)
    n = n_mentees + n_mentors
    parent = np.concatenate([[-1], (np.arange(1, n) - 1) // 6]).astype(np.int64)
    # shuffle who reports to whom a little, keeping a tree (parents come first)
    tin, tout, depth = euler_tour(parent)
    seniority = np.clip(10 - (depth * 1.3).astype(np.int64) + rng.integers(-1, 2, n), 1, 10)
    ancestor = np.arange(n)
    for _ in range(int(depth.max())):
        deeper = depth[ancestor] > 2
        ancestor[deeper] = parent[ancestor[deeper]]
    department = ancestor % 12
    languages = (
        (rng.random(n) < 0.95).astype(np.int64)
        | ((rng.random(n) < 0.6).astype(np.int64) << 1)
        | ((rng.random(n) < 0.3).astype(np.int64) << 2)
    )
    languages[languages == 0] = 1
    popularity = 1.0 / (np.arange(SKILLS) + 8.0)
    popularity /= popularity.sum()
    teach, _ = _skill_matrix(rng, n, 5, 10, popularity)
    learn, priority = _skill_matrix(rng, n, 3, 5, popularity)
    first = rng.integers(0, len(GOAL_PHRASES), n)
    second = rng.integers(0, len(GOAL_PHRASES), n)
    two = rng.random(n) < 0.5
    goal_texts = [
        GOAL_PHRASES[a] + (" and " + GOAL_PHRASES[b] if both else "")
        for a, b, both in zip(first.tolist(), second.tolist(), two.tolist(), strict=True)
    ]
    people = People.build(
        rng.permutation(n) + 1000,
        seniority=seniority,
        department=department,
        languages=languages,
        tin=tin,
        tout=tout,
        depth=depth,
        availability=_availability(rng, n),
        teach=teach,
        learn=learn,
        learn_priority=priority,
        skills=SKILLS,
        goal_texts=goal_texts,
        waiting_bonus=np.where(rng.random(n) < 0.05, 0.02, 0.0),
    )
    # mentors lean senior (reverse: junior), as volunteers do
    lean = seniority + rng.normal(0, 2.5, n)
    order = np.argsort(-lean if kind != "reverse" else lean, kind="stable")
    mentors = np.sort(order[:n_mentors])
    mentees = np.sort(order[n_mentors:])
    capacity = rng.integers(1, 4, n_mentors)
    asking = rng.choice(mentees, max(1, n_mentees // 50), replace=False) if n_mentees else mentees
    wanted = np.stack([asking, rng.choice(mentors, len(asking))], axis=1) if n_mentors else None
    avoid = np.stack([rng.integers(0, n, n // 200 + 1), rng.integers(0, n, n // 200 + 1)], axis=1)
    avoid = avoid[avoid[:, 0] != avoid[:, 1]]
    forbidden = (
        np.stack([rng.choice(mentors, n // 500 + 1), rng.choice(mentees, n // 500 + 1)], axis=1)
        if n_mentors and n_mentees
        else None
    )
    locks = min(10, n_mentees, n_mentors)
    locked = np.stack([mentors[:locks], mentees[:locks]], axis=1) if locks else None
    return MatchInput.build(
        people,
        Settings(kind=kind),
        mentors=mentors,
        mentees=mentees,
        capacity=capacity,
        wanted=wanted,
        avoid=avoid,
        forbidden=forbidden,
        locked=locked,
    )
