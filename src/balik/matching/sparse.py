"""Candidates for programmes too large to score every pair up front, and a bound on the rest.

Skills are sparse: each person wants three to five of hundreds of skills. So every mentee is
scored exactly (float32 tiles) against pools found through an inverted index, skill -> the
mentors who teach it: for each of the mentee's `TOP_SKILLS` most wanted skills, the best
teachers of that skill (highest level first, spread by a hash so that mentees sharing a skill
do not all crowd the same mentors), plus one fixed spread sample of every mentor for people whose
best partner shares no skill at all. Mentees sharing a skill share a pool, so each pool is one
tile. The best `keep` of everything scored become the candidates.

`row_bounds` gives, per mentee, an upper bound on the weight of any pair at all (each component
at its best for that mentee: the skill fit if the best teacher of every wanted skill were one
person, the hours the mentee has, the closest goal text anybody has, and so on). The engine
proves rows whose dual value reaches that bound and scans the others exactly, as time allows.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from balik.matching.problem import TEACH_FACTOR, Problem
from balik.matching.scoring import TILE_SLACK, TileScorer

TOP_SKILLS = 2
POOL_MIN = 200
POOL_FACTOR = 1
POOL_MAX = 1000
GENERAL_SAMPLE = 256
TILE_CELLS = 1 << 22
GOAL_TABLE_CELLS = 1 << 28


def _spread(columns: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random key per column (Knuth's multiplicative hash)."""
    return (columns.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(1 << 32)


def _top_skills(problem: Problem, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, skill) for each row's TOP_SKILLS most wanted skills (by weight, then column)."""
    learn = problem.rows.learn[rows]
    owner = np.repeat(np.arange(len(rows)), np.diff(learn.indptr))
    skill = learn.indices
    weight = problem.rows.learn_weight_dense[rows[owner], skill]
    order = np.lexsort((skill, -weight, owner))
    owner, skill = owner[order], skill[order]
    start = np.searchsorted(owner, np.arange(len(rows)))
    rank = np.arange(len(owner)) - start[owner]
    keep = rank < TOP_SKILLS
    return rows[owner[keep]], skill[keep]


def _teachers(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Per skill (CSC pointers), mentors with a free place: best level first, then spread."""
    teach = sp.csc_matrix(problem.cols.teach)
    skill_of = np.repeat(np.arange(teach.shape[1]), np.diff(teach.indptr))
    cols, level = teach.indices, teach.data.astype(np.int64)
    free = problem.col_cap[cols] > 0
    skill_of, cols, level = skill_of[free], cols[free], level[free]
    order = np.lexsort((_spread(cols), -level, skill_of))
    pointers = np.searchsorted(skill_of[order], np.arange(teach.shape[1] + 1))
    return pointers, cols[order]


def _top_of_tile(
    tile: np.ndarray, block_rows: np.ndarray, pool: np.ndarray, keep: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k = min(keep, tile.shape[1])
    if k < tile.shape[1]:
        part = np.argpartition(-tile, k - 1, axis=1)[:, :k]
    else:
        part = np.broadcast_to(np.arange(tile.shape[1]), tile.shape)
    values = np.take_along_axis(tile, part, axis=1)
    fine = np.isfinite(values)
    r = np.repeat(block_rows, k)[fine.ravel()]
    return r, pool[part[fine]], values[fine]


def sparse_candidates(
    problem: Problem, scorer: TileScorer, active: np.ndarray, keep: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Candidate pairs (row, column) for the active rows, and the number of pairs scored."""
    n_cols = problem.n_cols
    if not active.size or not n_cols:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, 0
    col_offset = problem.cols.bonus.astype(np.float32)
    col_offset[problem.col_cap <= 0] = -np.inf
    minimum = np.float32(problem.min_score - TILE_SLACK)
    pointers, teachers = _teachers(problem)
    group_rows, group_skill = _top_skills(problem, active)
    order = np.lexsort((group_rows, group_skill))
    group_rows, group_skill = group_rows[order], group_skill[order]
    skills, starts = np.unique(group_skill, return_index=True)
    ends = np.append(starts[1:], len(group_skill)) if starts.size else starts
    spread_order = np.argsort(_spread(np.arange(n_cols)), kind="stable")
    general = spread_order[: min(GENERAL_SAMPLE, n_cols)]
    tasks = [(active, np.sort(general))]
    for skill, a, b in zip(skills.tolist(), starts.tolist(), ends.tolist(), strict=True):
        rows = group_rows[a:b]
        size = int(np.clip(POOL_FACTOR * len(rows), POOL_MIN, POOL_MAX))
        pool = teachers[pointers[skill] : pointers[skill + 1]][:size]
        if pool.size:
            tasks.append((rows, pool))
    found_r: list[np.ndarray] = []
    found_c: list[np.ndarray] = []
    found_v: list[np.ndarray] = []
    scored = 0
    for rows, pool in tasks:
        block = max(1, TILE_CELLS // len(pool))
        offset = col_offset[pool]
        for b0 in range(0, len(rows), block):
            block_rows = rows[b0 : b0 + block]
            tile = scorer.tile(block_rows, pool)
            scored += tile.size
            np.putmask(tile, tile < minimum, -np.inf)
            tile += offset
            r, c, v = _top_of_tile(tile, block_rows, pool, keep)
            found_r.append(r)
            found_c.append(c)
            found_v.append(v)
    r = np.concatenate(found_r)
    c = np.concatenate(found_c)
    v = np.concatenate(found_v)
    order = np.lexsort((c, -v, r))
    r, c = r[order], c[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    r, c = r[first], c[first]
    rank = np.arange(len(r)) - np.searchsorted(r, r)
    keep_mask = rank < keep
    # pairs someone asked for are always candidates
    wanted = problem.wanted_matrix.tocoo()
    ask = np.isin(wanted.row, active)
    return (
        np.concatenate([r[keep_mask], wanted.row[ask].astype(np.int64)]),
        np.concatenate([c[keep_mask], wanted.col[ask].astype(np.int64)]),
        scored,
    )


def _goal_bound(problem: Problem, rows: np.ndarray) -> np.ndarray:
    """Per row, the largest goal similarity with any column (1 where too costly to find)."""
    row_goal = problem.rows.goal[rows]
    col_goal = problem.cols.goal
    row_values, row_inverse = np.unique(row_goal, axis=0, return_inverse=True)
    col_values = np.unique(col_goal, axis=0)
    if len(row_values) * len(col_values) > GOAL_TABLE_CELLS:
        return np.ones(len(rows))
    best = np.zeros(len(row_values))
    block = max(1, (1 << 24) // max(len(col_values), 1))
    for b0 in range(0, len(row_values), block):
        products = row_values[b0 : b0 + block] @ col_values.T
        best[b0 : b0 + block] = products.max(axis=1, initial=0.0)
    return np.clip(best[row_inverse.ravel()] + 1e-9, 0.0, 1.0)


def row_bounds(problem: Problem, rows: np.ndarray) -> np.ndarray:
    """Upper bound on score + both waiting bonuses of any allowed pair of each row."""
    w = problem.weights
    if not rows.size:
        return np.zeros(0)
    free = problem.col_cap > 0
    if not free.any():
        return np.full(len(rows), -np.inf)
    # skill fit if one mentor taught every wanted skill at the best level anybody teaches it
    teach = sp.csc_matrix(problem.cols.teach[np.flatnonzero(free)])
    best_level = np.zeros(teach.shape[1], dtype=np.int64)
    has = np.diff(teach.indptr) > 0
    best_level[has] = np.maximum.reduceat(teach.data.astype(np.int64), teach.indptr[:-1][has])
    learn = problem.rows.learn[rows]
    owner = np.repeat(np.arange(len(rows)), np.diff(learn.indptr))
    weight = problem.rows.learn_weight_dense[rows[owner], learn.indices]
    factor = TEACH_FACTOR[best_level[learn.indices], learn.data.astype(np.int64) - 1]
    skill = np.bincount(owner, weights=weight * factor, minlength=len(rows))
    # teaching back: a learner's weights sum to 1, so at most the best factor of what one
    # teaches, for a first-level wish
    rteach = problem.rows.teach[rows]
    rlevel = np.zeros(len(rows), dtype=np.int64)
    rhas = np.diff(rteach.indptr) > 0
    if rteach.nnz:
        rlevel[rhas] = np.maximum.reduceat(rteach.data.astype(np.int64), rteach.indptr[:-1][rhas])
    reciprocal = TEACH_FACTOR[rlevel, 0]
    if problem.peer:
        skill = reciprocal = np.maximum(np.minimum(skill, 1.0), reciprocal)
    hours = np.bitwise_count(problem.rows.availability[rows]).sum(axis=1) / 2.0
    availability = np.minimum(1.0, hours / problem.saturation)
    goal = _goal_bound(problem, rows)
    preference = np.isin(rows, problem.wanted_matrix.tocoo().row).astype(np.float64)
    diversity = (problem.rows.department[rows] >= 0).astype(np.float64)
    eligible = np.isfinite(problem.class_table[problem.row_class[rows]]).any(axis=1)
    score = (
        w[0] * np.minimum(skill, 1.0)
        + w[1] * reciprocal
        + w[2] * availability
        + w[3] * goal
        + w[4] * preference
        + w[5] * diversity
    )
    bonus = problem.rows.bonus[rows] + float(problem.cols.bonus[free].max())
    bound = score + bonus + 1e-9
    bound[~eligible | (score < problem.min_score - 1e-12)] = -np.inf
    return bound
