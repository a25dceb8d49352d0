"""Random programmes for the engine's tests: small, varied, reproducible from a seed."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from balik.matching.eligibility import euler_tour
from balik.matching.model import Kind, MatchInput, People, Settings

PHRASES = [
    "learn tiktok content strategy",
    "belajar strategi konten media sosial",
    "improve public speaking and presentations",
    "meningkatkan kepemimpinan tim",
    "understand AI trends for the business",
    "strategi pemasaran digital",
    "excel financial modelling",
    "manajemen proyek agile",
]


def random_people(n: int, rng: np.random.Generator, skills: int = 8) -> People:
    parent = np.array([int(rng.integers(-1, i)) if i else -1 for i in range(n)], dtype=np.int64)
    tin, tout, depth = euler_tour(parent)

    def levels(most: int) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for person in range(n):
            k = int(rng.integers(0, most + 1))
            chosen = rng.choice(skills, k, replace=False)
            rows += [person] * k
            cols += chosen.tolist()
            vals += rng.integers(1, 4, k).tolist()
        return sp.csr_matrix((vals, (rows, cols)), shape=(n, skills))

    availability = np.zeros((n, 6), dtype=np.uint64)
    for person in range(n):
        for word in range(6):
            availability[person, word] = np.uint64(int(rng.integers(0, 2**62))) & np.uint64(
                int(rng.integers(0, 2**62))
            )
    return People.build(
        rng.permutation(np.arange(100, 100 + n)),
        seniority=rng.integers(1, 8, n),
        department=rng.integers(-1, 3, n),
        languages=rng.integers(1, 4, n),
        tin=tin,
        tout=tout,
        depth=depth,
        availability=availability,
        teach=levels(3),
        learn=levels(3),
        goal_texts=[
            " ".join(rng.choice(PHRASES, 2)) if rng.random() < 0.8 else "" for _ in range(n)
        ],
        waiting_bonus=np.where(rng.random(n) < 0.2, 0.05, 0.0),
    )


def random_input(
    n_mentees: int,
    n_mentors: int,
    seed: int,
    kind: str = "classic",
    *,
    extras: bool = True,
    overlap: int = 0,
    **settings: object,
) -> MatchInput:
    """Mentees and mentors drawn from one random organisation; `overlap` people in both roles."""
    rng = np.random.default_rng(seed)
    n = n_mentees + n_mentors
    people = random_people(n, rng)
    order = rng.permutation(n)
    mentees = order[:n_mentees]
    mentors = order[n_mentees:]
    if overlap:
        mentors = np.concatenate([mentors, mentees[:overlap]])
    capacity = rng.integers(0 if extras else 1, 4, len(mentors))
    wanted = avoid = forbidden = None
    if extras and n >= 2:

        def some(k: int) -> np.ndarray:
            a = rng.integers(0, n, k)
            b = rng.integers(0, n, k)
            keep = a != b
            return np.stack([a[keep], b[keep]], axis=1)

        wanted, avoid = some(max(1, n // 3)), some(max(1, n // 4))
        forbidden = (
            np.stack(
                [rng.choice(mentors, max(1, n // 5)), rng.choice(mentees, max(1, n // 5))], axis=1
            )
            if len(mentees) and len(mentors)
            else None
        )
    if kind == "peer":
        pool = np.concatenate([mentees, mentors[:n_mentors]])
        return MatchInput.build(
            people,
            Settings(kind=Kind.PEER, **settings),  # type: ignore[arg-type]
            mentors=pool,
            mentees=pool[:0],
            capacity=rng.integers(1, 3, len(pool)),
            wanted=wanted,
            avoid=avoid,
        )
    return MatchInput.build(
        people,
        Settings(kind=Kind(kind), **settings),  # type: ignore[arg-type]
        mentors=mentors,
        mentees=mentees,
        capacity=capacity,
        wanted=wanted,
        avoid=avoid,
        forbidden=forbidden,
    )


def shuffled(inp: MatchInput, seed: int) -> MatchInput:
    """The same programme with people listed in another order (and lists reordered)."""
    rng = np.random.default_rng(seed)
    people = inp.people
    n = len(people)
    perm = rng.permutation(n)  # new row k holds old person perm[k]
    new_index = np.empty(n, dtype=np.int64)
    new_index[perm] = np.arange(n)
    shuffled_people = People(
        ids=people.ids[perm],
        seniority=people.seniority[perm],
        department=people.department[perm],
        languages=people.languages[perm],
        tin=people.tin[perm],
        tout=people.tout[perm],
        depth=people.depth[perm],
        availability=people.availability[perm],
        teach=people.teach[perm],
        learn=people.learn[perm],
        learn_priority=people.learn_priority[perm],
        goal_texts=tuple(people.goal_texts[i] for i in perm.tolist()),
        waiting_bonus=people.waiting_bonus[perm],
    )
    mentor_order = rng.permutation(len(inp.mentors))
    mentee_order = rng.permutation(len(inp.mentees))

    def pairs(array: np.ndarray) -> np.ndarray:
        return new_index[array][rng.permutation(len(array))] if array.size else array

    return MatchInput.build(
        shuffled_people,
        inp.settings,
        mentors=new_index[inp.mentors][mentor_order],
        mentees=new_index[inp.mentees][mentee_order],
        capacity=inp.capacity[mentor_order],
        wanted=pairs(inp.wanted),
        avoid=pairs(inp.avoid),
        locked=pairs(inp.locked),
        forbidden=pairs(inp.forbidden),
    )
