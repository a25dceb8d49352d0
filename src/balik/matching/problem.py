"""A `MatchInput` turned into the engine's internal arrays.

Rows are mentees (peer: the pool), columns mentors (peer: the same pool), each sorted by the
caller's id so that the input order never changes the result. Everything the scorers need is
precomputed here once: skill matrices in the shape of the sparse products, goal vectors,
availability pattern tables, eligibility class tables, and the sparse exceptions (management
chain, avoid, forbidden, self, wanted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from balik.matching import textsim
from balik.matching.eligibility import ancestor_pairs, overlap_hours, seniority_fails
from balik.matching.model import RULE_BITS, Kind, MatchInput, Rule

# teacher level (row, 0 = does not teach) x learner's wanted level (column 1..3)
TEACH_FACTOR = np.array(
    [
        [0.0, 0.0, 0.0],
        [0.6, 0.3, 0.1],
        [0.9, 0.8, 0.5],
        [1.0, 1.0, 1.0],
    ]
)

# beyond this many distinct availability-pattern pairs, tiles compute overlaps bit by bit
PATTERN_TABLE_LIMIT = 1 << 23
CLASS_TABLE_LIMIT = 1 << 23


@dataclass(eq=False)
class Side:
    person: np.ndarray  # person indices, sorted by id
    ids: np.ndarray
    seniority: np.ndarray
    department: np.ndarray
    languages: np.ndarray
    tin: np.ndarray
    tout: np.ndarray
    depth: np.ndarray
    availability: np.ndarray
    bonus: np.ndarray
    teach_dense: np.ndarray  # (k, skills) int8 teaching level, 0 = none
    learn_level_dense: np.ndarray  # (k, skills) int8
    learn_weight_dense: np.ndarray  # (k, skills) float64: (1/priority) / sum over the person
    learn: sp.csr_matrix  # levels, row per person
    learn_priority: sp.csr_matrix
    teach: sp.csr_matrix
    goal: np.ndarray  # (k, dim) unit vectors (zero when no goal text)
    goal_texts: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.person)


def _side(inp: MatchInput, members: np.ndarray, goals: np.ndarray) -> Side:
    people = inp.people
    order = members[np.argsort(people.ids[members], kind="stable")]
    teach = people.teach[order]
    learn = people.learn[order]
    priority = people.learn_priority[order]
    k, skills = len(order), people.skills
    teach_dense = np.zeros((k, skills), dtype=np.int8)
    rows = np.repeat(np.arange(k), np.diff(teach.indptr))
    teach_dense[rows, teach.indices] = teach.data
    learn_rows = np.repeat(np.arange(k), np.diff(learn.indptr))
    level_dense = np.zeros((k, skills), dtype=np.int8)
    level_dense[learn_rows, learn.indices] = learn.data
    raw = 1.0 / priority.data.astype(np.float64)
    totals = np.bincount(learn_rows, weights=raw, minlength=k)
    weight_dense = np.zeros((k, skills), dtype=np.float64)
    if raw.size:
        weight_dense[learn_rows, learn.indices] = raw / totals[learn_rows]
    return Side(
        person=order,
        ids=people.ids[order],
        seniority=people.seniority[order],
        department=people.department[order],
        languages=people.languages[order],
        tin=people.tin[order],
        tout=people.tout[order],
        depth=people.depth[order],
        availability=people.availability[order],
        bonus=people.waiting_bonus[order].astype(np.float64),
        teach_dense=teach_dense,
        learn_level_dense=level_dense,
        learn_weight_dense=weight_dense,
        learn=learn,
        learn_priority=priority,
        teach=teach,
        goal=goals[order],
        goal_texts=tuple(people.goal_texts[i] for i in order.tolist()),
    )


def _lookup(index_of: np.ndarray, persons: np.ndarray) -> np.ndarray:
    return index_of[persons] if persons.size else np.zeros(0, dtype=np.int64)


@dataclass(eq=False)
class Problem:
    inp: MatchInput
    kind: Kind
    peer: bool
    gap: int
    chain_depth: int | None
    require_department: bool
    weights: np.ndarray  # normalised, COMPONENTS order
    min_score: float
    saturation: float
    rows: Side
    cols: Side
    row_of: np.ndarray  # person index -> row (-1)
    col_of: np.ndarray
    row_cap: np.ndarray  # remaining capacity after locks
    col_cap: np.ndarray
    locked_rows: np.ndarray
    locked_cols: np.ndarray
    excluded_keys: np.ndarray  # sorted row * n_cols + col
    excluded_bits: np.ndarray
    wanted_keys: np.ndarray  # sorted
    # tile data
    skill_rows: sp.csr_matrix  # (rows, 3S): learner weights by wanted level
    skill_cols: sp.csr_matrix  # (3S, cols): teaching factors
    recip_rows: sp.csr_matrix  # (rows, 3S): teaching level indicators
    recip_cols: sp.csr_matrix  # (3S, cols): learner weight x factor
    row_pattern: np.ndarray
    col_pattern: np.ndarray
    pattern_table: np.ndarray | None  # float32 weighted availability component
    row_class: np.ndarray
    col_class: np.ndarray
    class_table: np.ndarray  # float32: -inf ineligible, else weighted diversity
    exclusion_matrix: sp.csr_matrix  # rows x cols, 1 where excluded
    wanted_matrix: sp.csr_matrix  # rows x cols, 1 where wanted

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return len(self.cols)

    def keys(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return r.astype(np.int64) * max(self.n_cols, 1) + c.astype(np.int64)


def _pairs_to_cells(
    problem_rows: np.ndarray, problem_cols: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cells (row of a, col of b) that exist."""
    r = _lookup(problem_rows, a)
    c = _lookup(problem_cols, b)
    ok = (r >= 0) & (c >= 0)
    return r[ok], c[ok]


def _both_ways(
    row_of: np.ndarray, col_of: np.ndarray, pairs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    if not pairs.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    r1, c1 = _pairs_to_cells(row_of, col_of, pairs[:, 0], pairs[:, 1])
    r2, c2 = _pairs_to_cells(row_of, col_of, pairs[:, 1], pairs[:, 0])
    return np.concatenate([r1, r2]), np.concatenate([c1, c2])


def _skill_factors(side_rows: Side, side_cols: Side, skills: int) -> tuple[sp.csr_matrix, ...]:
    """Sparse factors: skill_fit = skill_rows @ skill_cols, reciprocal = recip_rows @ recip_cols."""
    # skill_rows[r, (l-1)S + s] = weight of s for learner r if r wants s at level l
    learn = side_rows.learn
    rows = np.repeat(np.arange(len(side_rows)), np.diff(learn.indptr))
    weights = side_rows.learn_weight_dense[rows, learn.indices]
    skill_rows = sp.csr_matrix(
        (weights, (rows, (learn.data.astype(np.int64) - 1) * skills + learn.indices)),
        shape=(len(side_rows), 3 * skills),
    )
    # skill_cols[(l-1)S + s, c] = TEACH_FACTOR[teach level of c in s, l]
    teach = side_cols.teach
    trow = np.repeat(np.arange(len(side_cols)), np.diff(teach.indptr))
    parts_r, parts_c, parts_v = [], [], []
    for level in (1, 2, 3):
        parts_r.append((level - 1) * skills + teach.indices)
        parts_c.append(trow)
        parts_v.append(TEACH_FACTOR[teach.data.astype(np.int64), level - 1])
    skill_cols = sp.csr_matrix(
        (np.concatenate(parts_v), (np.concatenate(parts_r), np.concatenate(parts_c))),
        shape=(3 * skills, len(side_cols)),
    )
    # recip_rows[r, (t-1)S + s] = 1 if r teaches s at level t
    rteach = side_rows.teach
    rrow = np.repeat(np.arange(len(side_rows)), np.diff(rteach.indptr))
    recip_rows = sp.csr_matrix(
        (
            np.ones(rteach.nnz),
            (rrow, (rteach.data.astype(np.int64) - 1) * skills + rteach.indices),
        ),
        shape=(len(side_rows), 3 * skills),
    )
    # recip_cols[(t-1)S + s, c] = weight of s for learner c x TEACH_FACTOR[t, wanted level]
    clearn = side_cols.learn
    crow = np.repeat(np.arange(len(side_cols)), np.diff(clearn.indptr))
    cweight = side_cols.learn_weight_dense[crow, clearn.indices]
    parts_r, parts_c, parts_v = [], [], []
    for level in (1, 2, 3):
        parts_r.append((level - 1) * skills + clearn.indices)
        parts_c.append(crow)
        parts_v.append(cweight * TEACH_FACTOR[level, clearn.data.astype(np.int64) - 1])
    recip_cols = sp.csr_matrix(
        (np.concatenate(parts_v), (np.concatenate(parts_r), np.concatenate(parts_c))),
        shape=(3 * skills, len(side_cols)),
    )
    for matrix in (skill_rows, skill_cols, recip_rows, recip_cols):
        matrix.eliminate_zeros()
        matrix.sort_indices()
    return skill_rows, skill_cols, recip_rows, recip_cols


def _classes(rows: Side, cols: Side) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Class ids over (seniority, languages, department) and the distinct class values."""

    def encode(side: Side) -> np.ndarray:
        return np.stack(
            [
                side.seniority.astype(np.int64),
                side.languages.astype(np.int64),
                side.department.astype(np.int64),
            ],
            axis=1,
        )

    row_values, row_class = np.unique(encode(rows), axis=0, return_inverse=True)
    col_values, col_class = np.unique(encode(cols), axis=0, return_inverse=True)
    return row_class.ravel(), col_class.ravel(), row_values, col_values


def build_problem(inp: MatchInput, goal_dim: int = textsim.DEFAULT_DIM) -> Problem:
    settings = inp.settings
    people = inp.people
    kind = settings.kind
    peer = kind is Kind.PEER
    n_people = len(people)
    weights = settings.effective_weights.as_array()
    members = np.unique(np.concatenate([inp.mentors, inp.mentees]))
    goals = np.zeros((n_people, goal_dim))
    if members.size:
        goals[members] = textsim.goal_embeddings(
            [people.goal_texts[i] for i in members.tolist()], goal_dim
        )
    if peer:
        pool = members
        rows = cols = _side(inp, pool, goals)
        capacity_of = np.ones(n_people, dtype=np.int64)
        capacity_of[inp.mentors] = inp.capacity
    else:
        rows = _side(inp, inp.mentees, goals)
        cols = _side(inp, inp.mentors, goals)
        capacity_of = np.zeros(n_people, dtype=np.int64)
        capacity_of[inp.mentors] = inp.capacity
    row_of = np.full(n_people, -1, dtype=np.int64)
    row_of[rows.person] = np.arange(len(rows))
    col_of = np.full(n_people, -1, dtype=np.int64)
    col_of[cols.person] = np.arange(len(cols))
    col_cap = capacity_of[cols.person].copy()
    row_cap = capacity_of[rows.person].copy() if peer else np.ones(len(rows), dtype=np.int64)

    # locks
    locked_rows = np.zeros(0, dtype=np.int64)
    locked_cols = np.zeros(0, dtype=np.int64)
    if inp.locked.size:
        mentor_p, mentee_p = inp.locked[:, 0], inp.locked[:, 1]
        locked_rows = row_of[mentee_p]
        locked_cols = col_of[mentor_p]
        if np.any(locked_rows < 0) or np.any(locked_cols < 0):
            raise ValueError("a locked pair names someone who is not enrolled in that role")
        if np.any(mentor_p == mentee_p):
            raise ValueError("a locked pair pairs a person with themself")
        if peer:
            a = np.minimum(locked_rows, locked_cols)
            b = np.maximum(locked_rows, locked_cols)
            if len(np.unique(a * len(rows) + b)) != len(a):
                raise ValueError("a peer pair is locked twice")
            used = np.bincount(np.concatenate([a, b]), minlength=len(rows))
            if np.any(used > row_cap):
                raise ValueError("locked pairs exceed someone's capacity")
            row_cap = row_cap - used
            col_cap = row_cap
        else:
            if len(np.unique(locked_rows)) != len(locked_rows):
                raise ValueError("a mentee is locked to two mentors")
            used = np.bincount(locked_cols, minlength=len(cols))
            if np.any(used > col_cap):
                raise ValueError("locked pairs exceed a mentor's capacity")
            col_cap = col_cap - used
            row_cap[locked_rows] = 0

    if peer:
        col_cap = row_cap

    # sparse exceptions
    excl_r: list[np.ndarray] = []
    excl_c: list[np.ndarray] = []
    excl_b: list[np.ndarray] = []

    def add(r: np.ndarray, c: np.ndarray, rule: Rule) -> None:
        excl_r.append(r)
        excl_c.append(c)
        excl_b.append(np.full(len(r), RULE_BITS[rule], dtype=np.int64))

    same = np.intersect1d(rows.person, cols.person)
    add(row_of[same], col_of[same], Rule.SELF)
    chain = settings.manager_chain_depth
    if chain != 0:
        q, a = ancestor_pairs(rows.tin, rows.depth, cols.tin, cols.tout, cols.depth, chain)
        add(q, a, Rule.MANAGER_CHAIN)
        q, a = ancestor_pairs(cols.tin, cols.depth, rows.tin, rows.tout, rows.depth, chain)
        add(a, q, Rule.MANAGER_CHAIN)
    r, c = _both_ways(row_of, col_of, inp.avoid)
    add(r, c, Rule.AVOID)
    if inp.forbidden.size:
        if peer:
            r, c = _both_ways(row_of, col_of, inp.forbidden)
        else:
            r, c = _pairs_to_cells(row_of, col_of, inp.forbidden[:, 1], inp.forbidden[:, 0])
        add(r, c, Rule.FORBIDDEN)
    n_cols = max(len(cols), 1)
    all_r = np.concatenate(excl_r) if excl_r else np.zeros(0, dtype=np.int64)
    all_c = np.concatenate(excl_c) if excl_c else np.zeros(0, dtype=np.int64)
    all_b = np.concatenate(excl_b) if excl_b else np.zeros(0, dtype=np.int64)
    keys = all_r * n_cols + all_c
    order = np.argsort(keys, kind="stable")
    keys, all_b = keys[order], all_b[order]
    excluded_keys, start = np.unique(keys, return_index=True)
    excluded_bits = np.bitwise_or.reduceat(all_b, start) if keys.size else all_b
    wr, wc = _both_ways(row_of, col_of, inp.wanted)
    wanted_keys = np.unique(wr * n_cols + wc)

    skills = people.skills
    skill_rows, skill_cols, recip_rows, recip_cols = _skill_factors(rows, cols, skills)
    saturation = settings.availability_saturation_hours
    w = weights

    # availability patterns
    row_values, row_pattern = np.unique(rows.availability, axis=0, return_inverse=True)
    col_values, col_pattern = np.unique(cols.availability, axis=0, return_inverse=True)
    pattern_table = None
    if len(row_values) * len(col_values) <= PATTERN_TABLE_LIMIT:
        hours = overlap_hours(row_values[:, None, :], col_values[None, :, :])
        pattern_table = (w[2] * np.minimum(1.0, hours / saturation)).astype(np.float32)

    # eligibility classes
    row_class, col_class, row_cv, col_cv = _classes(rows, cols)
    if len(row_cv) * len(col_cv) > CLASS_TABLE_LIMIT:
        raise ValueError("too many distinct (seniority, languages, department) combinations")
    mentee_level = row_cv[:, None, 0]
    mentor_level = col_cv[None, :, 0]
    fails = seniority_fails(kind, settings.gap, mentee_level, mentor_level)
    fails |= (row_cv[:, None, 1] & col_cv[None, :, 1]) == 0
    same_department = (row_cv[:, None, 2] == col_cv[None, :, 2]) & (row_cv[:, None, 2] >= 0)
    if settings.require_different_department:
        fails |= same_department
    diverse = (row_cv[:, None, 2] != col_cv[None, :, 2]) & (row_cv[:, None, 2] >= 0)
    diverse &= col_cv[None, :, 2] >= 0
    class_table = np.where(fails, -np.inf, w[5] * diverse).astype(np.float32)

    n_rows = len(rows)
    exclusion_matrix = sp.csr_matrix(
        (
            np.ones(len(excluded_keys), dtype=np.float32),
            (excluded_keys // n_cols, excluded_keys % n_cols),
        ),
        shape=(n_rows, len(cols)),
    )
    wanted_matrix = sp.csr_matrix(
        (
            np.ones(len(wanted_keys), dtype=np.float32),
            (wanted_keys // n_cols, wanted_keys % n_cols),
        ),
        shape=(n_rows, len(cols)),
    )
    return Problem(
        inp=inp,
        kind=kind,
        peer=peer,
        gap=settings.gap,
        chain_depth=chain,
        require_department=settings.require_different_department,
        weights=weights,
        min_score=settings.min_score,
        saturation=saturation,
        rows=rows,
        cols=cols,
        row_of=row_of,
        col_of=col_of,
        row_cap=row_cap,
        col_cap=col_cap,
        locked_rows=locked_rows,
        locked_cols=locked_cols,
        excluded_keys=excluded_keys,
        excluded_bits=excluded_bits,
        wanted_keys=wanted_keys,
        skill_rows=skill_rows,
        skill_cols=skill_cols,
        recip_rows=recip_rows,
        recip_cols=recip_cols,
        row_pattern=row_pattern.ravel().astype(np.int64),
        col_pattern=col_pattern.ravel().astype(np.int64),
        pattern_table=pattern_table,
        row_class=row_class.astype(np.int64),
        col_class=col_class.astype(np.int64),
        class_table=class_table,
        exclusion_matrix=exclusion_matrix,
        wanted_matrix=wanted_matrix,
    )
