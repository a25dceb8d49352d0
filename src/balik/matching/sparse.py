"""Candidates for programmes too large to score every pair up front, and a bound on the rest.

The engine's path is `SkillSearch` (see its docstring): every teacher of a mentee's most
wanted skills is scored exactly, one skill deeper at a time, until the skill fit that the
other mentors could still offer, added to an exact maximum of the other components, is below
what the mentee already has (or, when pricing, below their dual u). It needs goal texts few
enough for a table of their similarities; otherwise the engine falls back to the following.

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

import time
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from balik.matching.eligibility import seniority_fails
from balik.matching.problem import TEACH_FACTOR, Problem
from balik.matching.scoring import TILE_SLACK, TileScorer, _Columns

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


def _best_free_level(problem: Problem) -> np.ndarray:
    """Per skill, the highest level a mentor with a free place teaches it at (0: nobody)."""
    teach = sp.csc_matrix(problem.cols.teach[np.flatnonzero(problem.col_cap > 0)])
    best_level = np.zeros(teach.shape[1], dtype=np.int64)
    has = np.diff(teach.indptr) > 0
    best_level[has] = np.maximum.reduceat(teach.data.astype(np.int64), teach.indptr[:-1][has])
    return best_level


def row_bounds(problem: Problem, rows: np.ndarray) -> np.ndarray:
    """Upper bound on score + both waiting bonuses of any allowed pair of each row."""
    w = problem.weights
    if not rows.size:
        return np.zeros(0)
    free = problem.col_cap > 0
    if not free.any():
        return np.full(len(rows), -np.inf)
    # skill fit if one mentor taught every wanted skill at the best level anybody teaches it
    best_level = _best_free_level(problem)
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


# --- exact search with a joint bound: the engine's path for programmes too large to scan ---

GOAL_GROUPS_MAX = 4096  # distinct goal vectors up to which goal similarity is a table
NONSKILL_GOAL_MIN = 0.5  # goal groups at least this similar are scanned for the non-skill bound
NONSKILL_KEEP = 3  # best partners by the components other than skill fit, kept as candidates
DEPTH_MARGIN = 0.02  # scan one more skill's teachers while the bound is this close to the best
SELECT_DELTA = 0.08  # pairs this close to a row's best found so far become candidates
MAX_DEPTH = 8


def _teachers_by_seniority(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Per skill (CSC pointers), mentors with a free place who teach it, by seniority."""
    teach = sp.csc_matrix(problem.cols.teach)
    skill_of = np.repeat(np.arange(teach.shape[1]), np.diff(teach.indptr))
    cols = teach.indices.astype(np.int64)
    free = problem.col_cap[cols] > 0
    skill_of, cols = skill_of[free], cols[free]
    order = np.lexsort((cols, problem.cols.seniority[cols], skill_of))
    pointers = np.searchsorted(skill_of[order], np.arange(teach.shape[1] + 1))
    return pointers, cols[order]


def _goal_table(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Goal ids of rows and columns and the (ids x ids) goal similarity, if ids are few."""
    both = np.concatenate([problem.rows.goal, problem.cols.goal])
    if not len(both):
        return None
    # equal vectors have equal projections; a projection shared by unequal vectors is checked
    projection = both @ np.random.default_rng(0).standard_normal(both.shape[1])
    _, first, inverse = np.unique(projection, return_index=True, return_inverse=True)
    if len(first) > GOAL_GROUPS_MAX or not np.array_equal(both[first][inverse], both):
        return None
    values = both[first]
    table = np.clip(values @ values.T, 0.0, 1.0)
    return inverse[: problem.n_rows], inverse[problem.n_rows :], table


def _ranked_skills(problem: Problem, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(len(rows), MAX_DEPTH) wanted skills by falling weight (-1 padded), and the weighted
    skill-fit bound of everything from rank d on, (len(rows), MAX_DEPTH + 1)."""
    best_level = _best_free_level(problem)
    learn = problem.rows.learn[rows]
    owner = np.repeat(np.arange(len(rows)), np.diff(learn.indptr))
    skill = learn.indices.astype(np.int64)
    weight = problem.rows.learn_weight_dense[rows[owner], skill]
    value = weight * TEACH_FACTOR[best_level[skill], learn.data.astype(np.int64) - 1]
    order = np.lexsort((skill, -weight, owner))
    owner, skill, value = owner[order], skill[order], value[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    ranked = np.full((len(rows), MAX_DEPTH), -1, dtype=np.int64)
    within = rank < MAX_DEPTH
    ranked[owner[within], rank[within]] = skill[within]
    # value beyond rank d = total value minus the first d ranks; ranks past MAX_DEPTH stay in
    by_rank = np.zeros((len(rows), MAX_DEPTH + 1))
    np.add.at(by_rank, (owner, np.minimum(rank, MAX_DEPTH)), value)
    tails = np.cumsum(by_rank[:, ::-1], axis=1)[:, ::-1]
    return ranked, np.minimum(tails, 1.0) * problem.weights[0]


class _NonSkill(NamedTuple):
    bound: np.ndarray
    extra_r: np.ndarray
    extra_c: np.ndarray
    scanned: int
    floor: np.ndarray


def _nonskill(
    problem: Problem,
    scorer: TileScorer,
    rows: np.ndarray,
    goals: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    *,
    keep: int = NONSKILL_KEEP,
    price: np.ndarray | None = None,
    taken: tuple[np.ndarray, np.ndarray] | None = None,
    deadline: float | None = None,
) -> _NonSkill:
    """Per row, a bound on reciprocal fit + availability + goal + diversity + the column's
    bonus over every mentor but its `keep` best by these (weighted), plus the row's bonus;
    and those best partners, which become candidates.

    With `price` (the mentors' duals v) the bound is on these components minus v, and the
    pairs in `taken` (rows, columns sorted by row: the candidates, which the duals cover
    themselves) are left out of the maximum. Rows a `deadline` leaves unscanned get +inf.
    `floor` is the part of the bound over mentors whose goals are not scanned (bounded
    component by component, in weight): no prices lower the bound below it."""
    w = problem.weights
    free = problem.col_cap > 0
    n = len(rows)
    empty = np.zeros(0, dtype=np.int64)
    if not free.any() or not n:
        return _NonSkill(np.full(n, -np.inf), empty, empty, 0, np.full(n, -np.inf))
    col_bonus_max = float(problem.cols.bonus[free].max())
    rteach = problem.rows.teach[rows]
    rlevel = np.zeros(n, dtype=np.int64)
    rhas = np.diff(rteach.indptr) > 0
    if rteach.nnz:
        rlevel[rhas] = np.maximum.reduceat(rteach.data.astype(np.int64), rteach.indptr[:-1][rhas])
    reciprocal = w[1] * TEACH_FACTOR[rlevel, 0]
    hours = np.bitwise_count(problem.rows.availability[rows]).sum(axis=1) / 2.0
    availability = w[2] * np.minimum(1.0, hours / problem.saturation)
    free_classes = np.unique(problem.col_class[free])
    klass = problem.class_table[problem.row_class[rows]][:, free_classes].max(axis=1)
    crude = reciprocal + availability + klass.astype(np.float64) + col_bonus_max
    if goals is None:
        goal = _goal_bound(problem, rows)
        bound = crude + w[3] * goal + problem.rows.bonus[rows]
        return _NonSkill(bound, empty, empty, 0, bound)
    row_goal, col_goal, table = goals
    free_cols = np.flatnonzero(free)
    order = free_cols[np.argsort(col_goal[free_cols], kind="stable")]
    sorted_goal = col_goal[order]
    starts = np.searchsorted(sorted_goal, np.arange(len(table) + 1))
    present = np.diff(starts) > 0
    weighted = (w[3] * table).astype(np.float32)
    col_offset = problem.cols.bonus.astype(np.float32)
    if price is not None:
        # v >= 0: the mentors outside the similar goals keep their bound in weight
        col_offset = (problem.cols.bonus - price).astype(np.float32)
    column_at = np.full(problem.n_cols, -1, dtype=np.int64)  # in the current group's cols
    best = np.full(n, -np.inf)
    floor = np.full(n, -np.inf)
    found_r: list[np.ndarray] = []
    found_c: list[np.ndarray] = []
    scanned = 0
    position = np.argsort(row_goal[rows], kind="stable")
    groups, group_start = np.unique(row_goal[rows][position], return_index=True)
    group_end = np.append(group_start[1:], n)
    for g, a, b in zip(groups.tolist(), group_start.tolist(), group_end.tolist(), strict=True):
        at = position[a:b]
        if deadline is not None and time.perf_counter() > deadline:
            best[position[a:]] = np.inf
            break
        similar = present & (table[g] >= NONSKILL_GOAL_MIN)
        others = present & ~similar
        # the goal groups left unscanned are bounded component by component
        unscanned = float(w[3] * table[g][others].max(initial=-np.inf)) + 1e-9
        best[at] = floor[at] = crude[at] + unscanned
        ids = np.flatnonzero(similar)
        if not ids.size:
            continue
        cols = np.concatenate([order[starts[i] : starts[i + 1]] for i in ids.tolist()])
        column_at[cols] = np.arange(len(cols))
        block = max(1, TILE_CELLS // len(cols))
        recip_cols = sp.csr_matrix(scorer.recip_cols[:, cols])
        goal_part = weighted[g, col_goal[cols]] + col_offset[cols]
        for b0 in range(0, len(at), block):
            part = at[b0 : b0 + block]
            block_rows = rows[part]
            tile = ((scorer.recip_rows[block_rows] * np.float32(w[1])) @ recip_cols).toarray()
            tile += goal_part
            tile += _availability_tile(problem, scorer, block_rows, cols)
            tile += np.take(
                problem.class_table[problem.row_class[block_rows]], problem.col_class[cols], axis=1
            )
            scanned += tile.size
            if taken is not None:
                lo = np.searchsorted(taken[0], block_rows, side="left")
                hi = np.searchsorted(taken[0], block_rows, side="right")
                owner = np.repeat(np.arange(len(part)), hi - lo)
                at_col = column_at[taken[1][_spans(lo, hi)]]
                inside = at_col >= 0
                tile[owner[inside], at_col[inside]] = -np.inf
            # the best few become candidates; the bound covers the rest
            lines = np.arange(len(part))
            for _ in range(keep):
                top = tile.argmax(axis=1)
                values = tile[lines, top]
                fine = np.isfinite(values)
                found_r.append(block_rows[fine])
                found_c.append(cols[top[fine]])
                tile[lines, top] = -np.inf
            best[part] = np.maximum(best[part], tile.max(axis=1) + TILE_SLACK)
        column_at[cols] = -1
    r = np.concatenate(found_r) if found_r else empty
    c = np.concatenate(found_c) if found_c else empty
    bonus = problem.rows.bonus[rows]
    return _NonSkill(best + bonus, r, c, scanned, floor + bonus)


def _spans(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The indices lo[0]..hi[0]-1, lo[1]..hi[1]-1, ... in one array."""
    lengths = hi - lo
    total = int(lengths.sum())
    return np.repeat(lo - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)


def _availability_tile(
    problem: Problem, scorer: TileScorer, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    if problem.pattern_table is not None:
        return np.take(
            problem.pattern_table[problem.row_pattern[rows]], problem.col_pattern[cols], axis=1
        )
    share = scorer.row_slots[rows] @ scorer.col_slots_t[:, cols]
    share *= scorer.slot_scale
    np.minimum(share, 1.0, out=share)
    share *= np.float32(problem.weights[2])
    return share


def _merge_rows(
    r: np.ndarray, c: np.ndarray, v: np.ndarray, keep: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row the `keep` best distinct columns; also (row, value) of the best one dropped."""
    order = np.lexsort((c, -v, r))
    r, c, v = r[order], c[order], v[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    r, c, v = r[first], c[first], v[first]
    rank = np.arange(len(r)) - np.searchsorted(r, r)
    kept = rank < keep
    dropped = rank == keep
    return r[kept], c[kept], r[dropped], v[dropped]


class SkillSearch:
    """Exact search along each mentee's most wanted skills, with a proof for what it leaves out.

    A mentee's wanted skills are ranked by weight: s_1, s_2, ... Every mentor who teaches one
    of the first `depth` of them is scored exactly (tiles of mentees sharing that skill against
    its teachers of an eligible seniority); of those, pairs not kept as candidates weigh at
    most `rest`. Every other mentor teaches none of s_1..s_depth, so the skill fit is at most
    the weight of the remaining skills (`tails`, at the best level anybody teaches them), and
    the other components together are at most `nonskill` (an exact maximum over the mentors
    with a similar goal, and a component-wise bound over the rest). Hence every pair left out
    weighs at most max(rest, tails[depth] + nonskill): a bound in weight, valid for any duals.

    `initial` goes deeper while that bound is not below the best pair found; `price` takes
    the duals u and, for the rows given, makes the bound reach u (pairs above it become
    candidates), as far as time allows.
    """

    def __init__(self, problem: Problem, scorer: TileScorer, active: np.ndarray, goals) -> None:
        self.problem = problem
        self.scorer = scorer
        self.rows = active
        scorer.use_goal_table(*goals)
        self.ranked, self.tails = _ranked_skills(problem, active)
        self.goals = goals
        self.nonskill, self.extra_r, self.extra_c, self.scanned, self.nonskill_floor = _nonskill(
            problem, scorer, active, goals
        )
        # the same bound less the mentors' duals, for the duals `reduced` was last given
        self.nonskill_reduced = np.full(len(active), np.inf)
        self.depth = np.zeros(len(active), dtype=np.int64)
        self.rest = np.full(len(active), -np.inf)
        self.best = np.full(len(active), -np.inf)
        self.pointers, self.teachers = _teachers_by_seniority(problem)
        self.teacher_seniority = problem.cols.seniority[self.teachers]
        self.row_seniority = problem.rows.seniority[active]
        self.row_bonus = problem.rows.bonus[active]
        self.col_offset = problem.cols.bonus.astype(np.float32)
        self.col_offset[problem.col_cap <= 0] = -np.inf
        self.prepared: dict[int, _Columns] = {}  # each skill's teachers, prepared once

    def outside(self, reduced: bool = False) -> np.ndarray:
        """Bound on the weight of pairs with mentors outside the scanned teachers (reduced:
        on weight - v, for the duals v `reduced` was last given)."""
        nonskill = np.minimum(self.nonskill, self.nonskill_reduced) if reduced else self.nonskill
        return self.tails[np.arange(len(self.rows)), self.depth] + nonskill

    def bound(self) -> np.ndarray:
        """Per active row, a bound on the weight of every pair that is not a candidate."""
        return np.maximum(self.rest, self.outside()) + 1e-9

    def initial(
        self, keep: int, deadline: float | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate pairs (rows, columns) and the bound per active row."""
        everyone = np.ones(len(self.rows), dtype=bool)
        r, c = self._descend(everyone, None, keep, deadline)
        wanted = self.problem.wanted_matrix.tocoo()
        ask = np.isin(wanted.row, self.rows)
        return (
            np.concatenate([r, self.extra_r, wanted.row[ask].astype(np.int64)]),
            np.concatenate([c, self.extra_c, wanted.col[ask].astype(np.int64)]),
            self.bound(),
        )

    def cover(self, rows: np.ndarray, weight: np.ndarray) -> None:
        """Pairs `price` returned that do not become candidates: the bound covers them."""
        at = np.searchsorted(self.rows, rows)
        np.maximum.at(self.rest, at, weight + 1e-9)

    def bound_of(self, rows: np.ndarray) -> np.ndarray:
        return self.bound()[np.searchsorted(self.rows, rows)]

    def reduced(
        self,
        rows: np.ndarray,
        price: np.ndarray,
        taken_r: np.ndarray,
        taken_c: np.ndarray,
        deadline: float | None = None,
    ) -> np.ndarray:
        """For the given rows, a bound on weight - v (v: the mentors' duals `price`) of every
        pair that is not among the candidates (taken_r, taken_c); see `reduced_of`.

        A pair can only improve the matching if weight - u - v > 0, so where the weight bound
        cannot prove a row, its reduced cost may: the non-skill maximum is scanned again with
        each mentor's bonus less v (mentors with a high price drop out of it)."""
        at = np.searchsorted(self.rows, rows)
        order = np.argsort(taken_r, kind="stable")
        nonskill, _, _, scanned, _ = _nonskill(
            self.problem,
            self.scorer,
            rows,
            self.goals,
            keep=0,
            price=price,
            taken=(taken_r[order], taken_c[order]),
            deadline=deadline,
        )
        self.scanned += scanned
        self.nonskill_reduced[:] = np.inf
        self.nonskill_reduced[at] = nonskill
        return self.reduced_of(rows)

    def closable(self, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Which of the rows a reduced bound could prove at dual u: those whose weight bound
        is above u only through the mentors the non-skill scan covers."""
        at = np.searchsorted(self.rows, rows)
        depth = self.depth[at]
        floor = self.tails[at, depth] + self.nonskill_floor[at]
        return (self.rest[at] <= u[rows] + 1e-9) & (floor <= u[rows])

    def reduced_of(self, rows: np.ndarray) -> np.ndarray:
        """Bound on weight - v of pairs left out, for the duals `reduced` was last given: it
        holds while candidates only grow and every pair `price` returns is a candidate or
        `cover`ed (the scanned teachers' part is in weight, which v >= 0 only lowers)."""
        at = np.searchsorted(self.rows, rows)
        return np.maximum(self.rest[at], self.outside(reduced=True)[at]) + 1e-9

    def price(
        self, rows: np.ndarray, u: np.ndarray, keep: int, deadline: float | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For the given rows, pairs with weight near or above u (the best `keep` per row) and
        the new bounds (per given row), as far as the deadline lets the search go. The bounds
        hold once each pair returned is a candidate or `cover`ed (then see `bound_of`)."""
        at = np.searchsorted(self.rows, rows)
        # new duals: the reduced bound of earlier ones no longer holds
        self.nonskill_reduced[:] = np.inf
        target = np.full(len(self.rows), np.inf)
        target[at] = u[rows]
        chosen = np.zeros(len(self.rows), dtype=bool)
        chosen[at] = True
        # rows whose scanned pairs may still beat u are scanned again from the first skill
        again = chosen & (self.rest > target + 1e-9)
        self.depth[again] = 0
        self.rest[again] = -np.inf
        r, c = self._descend(chosen, target, keep, deadline)
        return r, c, self.bound()[at]

    def _descend(
        self, chosen: np.ndarray, target: np.ndarray | None, keep: int, deadline: float | None
    ) -> tuple[np.ndarray, np.ndarray]:
        problem, scorer = self.problem, self.scorer
        minimum = np.float32(problem.min_score - TILE_SLACK)
        found_r: list[np.ndarray] = []
        found_c: list[np.ndarray] = []
        found_v: list[np.ndarray] = []
        for depth in range(MAX_DEPTH):
            skill = self.ranked[:, depth]
            going = chosen & (skill >= 0) & (self.depth == depth)
            goal = self.best - DEPTH_MARGIN if target is None else target
            if depth or target is not None:
                going &= self.outside(reduced=target is not None) > goal + 1e-9
            if target is not None:
                going &= self.rest <= target + 1e-9
            at = np.flatnonzero(going)
            if not at.size:
                break
            # by skill, then seniority: a block of rows needs only the teachers senior (or, in
            # reverse mentoring, junior) enough for someone in it
            at = at[np.lexsort((self.row_seniority[at], skill[at]))]
            skills, first = np.unique(skill[at], return_index=True)
            last = np.append(first[1:], len(at))
            stoppable = deadline is not None and (depth > 0 or target is not None)
            for s, a, b in zip(skills.tolist(), first.tolist(), last.tolist(), strict=True):
                if stoppable and time.perf_counter() > deadline:
                    break
                lo, hi = self.pointers[s], self.pointers[s + 1]
                if lo == hi:
                    self.depth[at[a:b]] = depth + 1
                    continue
                levels = np.unique(self.teacher_seniority[lo:hi])
                block = max(1, TILE_CELLS // (hi - lo))
                for b0 in range(a, b, block):
                    if stoppable and time.perf_counter() > deadline:
                        break
                    part = at[b0 : min(b0 + block, b)]
                    # a row counts as searched to this depth only once its block is scored
                    self.depth[part] = depth + 1
                    allowed = (
                        ~seniority_fails(
                            problem.kind,
                            problem.gap,
                            self.row_seniority[part][:, None],
                            levels[None, :],
                        )
                    ).any(axis=0)
                    if not allowed.any():
                        continue
                    span = levels[np.flatnonzero(allowed)[[0, -1]]]
                    seniority = self.teacher_seniority[lo:hi]
                    p0 = np.searchsorted(seniority, span[0], side="left")
                    p1 = np.searchsorted(seniority, span[1], side="right")
                    pool = self.teachers[lo + p0 : lo + p1]
                    if s not in self.prepared:
                        self.prepared[s] = scorer.columns(self.teachers[lo:hi])
                    tile = scorer.tile(self.rows[part], self.prepared[s].part(p0, p1))
                    self.scanned += tile.size
                    np.putmask(tile, tile < minimum, -np.inf)
                    tile += self.col_offset[pool]
                    top = tile.max(axis=1)
                    known = (self.best[part] - self.row_bonus[part]).astype(np.float32)
                    floor = np.maximum(top, known) - np.float32(SELECT_DELTA)
                    if target is not None:
                        # every pair above the dual must be seen; none below it matters (a
                        # pair returned below it is only scored to be covered), and what is
                        # not returned must leave the bound at the dual, tile error included
                        floor = (target[part] - self.row_bonus[part] - 2 * TILE_SLACK).astype(
                            np.float32
                        )
                    hit = tile > floor[:, None]
                    where = np.flatnonzero(hit)
                    found_r.append(part[where // tile.shape[1]])
                    found_c.append(pool[where % tile.shape[1]])
                    found_v.append(tile.ravel()[where])
                    np.putmask(tile, hit, -np.inf)
                    rest = tile.max(axis=1).astype(np.float64) + TILE_SLACK
                    self.rest[part] = np.maximum(self.rest[part], rest + self.row_bonus[part])
                    self.best[part] = np.maximum(self.best[part], top + self.row_bonus[part])
        empty = np.zeros(0, dtype=np.int64)
        if not found_r:
            return empty, empty
        r, c, dropped_r, dropped_v = _merge_rows(
            np.concatenate(found_r), np.concatenate(found_c), np.concatenate(found_v), keep
        )
        dropped = dropped_v.astype(np.float64) + TILE_SLACK + self.row_bonus[dropped_r]
        np.maximum.at(self.rest, dropped_r, dropped)
        return self.rows[r], c


def skill_search(problem: Problem, scorer: TileScorer, active: np.ndarray) -> SkillSearch | None:
    """The search for a bipartite programme, or None when goal texts are too varied for the
    goal table (the caller falls back to `sparse_candidates` and `row_bounds`)."""
    if problem.peer or not active.size:
        return None
    goals = _goal_table(problem)
    if goals is None:
        return None
    return SkillSearch(problem, scorer, active, goals)
