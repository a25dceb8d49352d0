"""Scores: exact for lists of pairs (float64), and fast for tiles of rows x columns (float32).

Both compute the same definition:

    score = sum(weight[c] * component[c]) over the normalised weights, each component in [0, 1]

    skill_fit        what the mentor teaches of what the mentee wants: the mentee's skills
                     weighted 1/priority (normalised), each times TEACH_FACTOR[teacher level,
                     wanted level]
    reciprocal_fit   the same with the roles turned around (the mentee teaching the mentor)
    availability     hours a week in common / saturation, at most 1
    goal_similarity  cosine of the goal vectors, clipped to [0, 1]
    preference       1 when either asked for the other
    department_diversity  1 when both departments are known and differ

For a peer pair the better teaching direction counts as skill_fit and the other as
reciprocal_fit, which makes the score symmetric; the pair's "mentor" is the one who teaches
in the better direction. Tiles are only used to find and bound candidates; every pair that
reaches the solver or the result is scored again exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from balik.matching.eligibility import overlap_hours, seniority_fails
from balik.matching.model import RULE_BITS, Rule
from balik.matching.problem import TEACH_FACTOR, Problem

# float32 tiles are within this of the exact score (components < 1, six terms)
TILE_SLACK = 2e-5
CHUNK = 4096


@dataclass(frozen=True, eq=False)
class Evaluation:
    components: np.ndarray  # (k, 6)
    score: np.ndarray
    bonus: np.ndarray
    rules: np.ndarray  # bit set of broken Rules
    mentor_is_row: np.ndarray  # peer: the row person teaches in the better direction

    @property
    def eligible(self) -> np.ndarray:
        return self.rules == 0

    def feasible(self, min_score: float) -> np.ndarray:
        return (self.rules == 0) & (self.score >= min_score - 1e-12)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the concatenated ranges [start, start + length) and the owning range."""
    total = int(lengths.sum())
    owner = np.repeat(np.arange(len(lengths)), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets, owner


def _fit(learner_side, learner: np.ndarray, teacher_side, teacher: np.ndarray) -> np.ndarray:
    learn = learner_side.learn
    lengths = np.diff(learn.indptr)[learner]
    entries, owner = _ranges(learn.indptr[learner], lengths)
    skills = learn.indices[entries]
    wanted = learn.data[entries].astype(np.int64)
    weight = learner_side.learn_weight_dense[learner[owner], skills]
    level = teacher_side.teach_dense[teacher[owner], skills].astype(np.int64)
    contribution = weight * TEACH_FACTOR[level, wanted - 1]
    return np.bincount(owner, weights=contribution, minlength=len(learner))


def rule_bits(problem: Problem, r: np.ndarray, c: np.ndarray) -> np.ndarray:
    rows, cols = problem.rows, problem.cols
    bits = np.zeros(len(r), dtype=np.int64)
    keys = problem.keys(r, c)
    if problem.excluded_keys.size:
        position = np.searchsorted(problem.excluded_keys, keys)
        position = np.minimum(position, len(problem.excluded_keys) - 1)
        hit = problem.excluded_keys[position] == keys
        bits[hit] |= problem.excluded_bits[position[hit]]
    senior = seniority_fails(problem.kind, problem.gap, rows.seniority[r], cols.seniority[c])
    bits[senior] |= RULE_BITS[Rule.SENIORITY]
    language = (rows.languages[r] & cols.languages[c]) == 0
    bits[language] |= RULE_BITS[Rule.LANGUAGE]
    if problem.require_department:
        same = (rows.department[r] == cols.department[c]) & (rows.department[r] >= 0)
        bits[same] |= RULE_BITS[Rule.DEPARTMENT]
    full = (problem.row_cap[r] <= 0) | (problem.col_cap[c] <= 0)
    bits[full] |= RULE_BITS[Rule.NO_CAPACITY]
    return bits


def evaluate(problem: Problem, r: np.ndarray, c: np.ndarray) -> Evaluation:
    """Exact components, score and broken rules for pairs (row r[k], column c[k])."""
    r = np.asarray(r, dtype=np.int64)
    c = np.asarray(c, dtype=np.int64)
    rows, cols = problem.rows, problem.cols
    teaches = _fit(rows, r, cols, c)  # column person teaches the row person
    taught = _fit(cols, c, rows, r)  # row person teaches the column person
    mentor_is_row = np.zeros(len(r), dtype=bool)
    if problem.peer:
        skill_first = problem.weights[0] >= problem.weights[1]
        better = np.maximum(teaches, taught)
        worse = np.minimum(teaches, taught)
        skill = better if skill_first else worse
        reciprocal = worse if skill_first else better
        row_teaches_more = taught > teaches
        tie = taught == teaches
        mentor_is_row = np.where(tie, r < c, row_teaches_more if skill_first else ~row_teaches_more)
    else:
        skill, reciprocal = teaches, taught
    hours = overlap_hours(rows.availability[r], cols.availability[c])
    availability = np.minimum(1.0, hours / problem.saturation)
    goal = np.clip(np.einsum("ij,ij->i", rows.goal[r], cols.goal[c]), 0.0, 1.0)
    keys = problem.keys(r, c)
    preference = np.isin(keys, problem.wanted_keys).astype(np.float64)
    department_r, department_c = rows.department[r], cols.department[c]
    diversity = ((department_r != department_c) & (department_r >= 0) & (department_c >= 0)).astype(
        np.float64
    )
    components = np.stack([skill, reciprocal, availability, goal, preference, diversity], axis=1)
    score = components @ problem.weights
    return Evaluation(
        components=components,
        score=score,
        bonus=rows.bonus[r] + cols.bonus[c],
        rules=rule_bits(problem, r, c),
        mentor_is_row=mentor_is_row,
    )


class TileScorer:
    """Scores of row blocks against all columns, chunk by chunk, in float32.

    `tiles(rows)` yields (first column, tile) where tile[i, j] is the score of (rows[i],
    first + j), -inf where a hard rule fails. The waiting bonus and the minimum score are left
    to the caller.
    """

    def __init__(self, problem: Problem, chunk: int = CHUNK) -> None:
        self.problem = problem
        w = problem.weights
        self.w = w
        n_cols = problem.n_cols
        self.bounds = [(c0, min(c0 + chunk, n_cols)) for c0 in range(0, n_cols, chunk)]
        skill_cols = sp.csc_matrix(problem.skill_cols.astype(np.float32))
        recip_cols = sp.csc_matrix(problem.recip_cols.astype(np.float32))
        self.skill_chunks = [sp.csr_matrix(skill_cols[:, a:b]) for a, b in self.bounds]
        self.recip_chunks = [sp.csr_matrix(recip_cols[:, a:b]) for a, b in self.bounds]
        goal_t = np.ascontiguousarray(problem.cols.goal.T.astype(np.float32))
        self.goal_chunks = [np.ascontiguousarray(goal_t[:, a:b]) for a, b in self.bounds]
        self.skill_rows = problem.skill_rows.astype(np.float32)
        self.recip_rows = problem.recip_rows.astype(np.float32)
        self.row_goal = (problem.rows.goal * w[3]).astype(np.float32)
        self.exclusion = problem.exclusion_matrix
        self.wanted = problem.wanted_matrix
        self.peer_skill_first = bool(w[0] >= w[1])

    def tiles(self, rows: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
        problem = self.problem
        w = self.w
        rows = np.asarray(rows, dtype=np.int64)
        skill_rows = self.skill_rows[rows]
        recip_rows = self.recip_rows[rows]
        row_goal = self.row_goal[rows]
        class_rows = problem.class_table[problem.row_class[rows]]
        pattern_rows = (
            problem.pattern_table[problem.row_pattern[rows]]
            if problem.pattern_table is not None
            else None
        )
        exclusion = self.exclusion[rows].tocoo()
        wanted = self.wanted[rows].tocoo()
        for k, (c0, c1) in enumerate(self.bounds):
            teaches = (skill_rows @ self.skill_chunks[k]).toarray()
            taught = (recip_rows @ self.recip_chunks[k]).toarray()
            if problem.peer:
                better = np.maximum(teaches, taught)
                np.minimum(teaches, taught, out=taught)
                if self.peer_skill_first:
                    tile = better * np.float32(w[0])
                    tile += taught * np.float32(w[1])
                else:
                    tile = better * np.float32(w[1])
                    tile += taught * np.float32(w[0])
            else:
                tile = teaches
                tile *= np.float32(w[0])
                if w[1]:
                    taught *= np.float32(w[1])
                    tile += taught
            goal = row_goal @ self.goal_chunks[k]
            np.maximum(goal, 0.0, out=goal)
            tile += goal
            if pattern_rows is not None:
                tile += np.take(pattern_rows, problem.col_pattern[c0:c1], axis=1)
            else:
                hours = overlap_hours(
                    problem.rows.availability[rows][:, None, :],
                    problem.cols.availability[None, c0:c1, :],
                )
                tile += (w[2] * np.minimum(1.0, hours / problem.saturation)).astype(np.float32)
            tile += np.take(class_rows, problem.col_class[c0:c1], axis=1)
            if wanted.nnz:
                inside = (wanted.col >= c0) & (wanted.col < c1)
                tile[wanted.row[inside], wanted.col[inside] - c0] += np.float32(w[4])
            if exclusion.nnz:
                inside = (exclusion.col >= c0) & (exclusion.col < c1)
                tile[exclusion.row[inside], exclusion.col[inside] - c0] = -np.inf
            yield c0, tile
