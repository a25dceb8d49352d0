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

import copy
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


def _unpack(availability: np.ndarray) -> np.ndarray:
    """(k, 336) booleans from (k, 6) uint64 words, bit b of word w = slot 64 w + b."""
    as_bytes = np.ascontiguousarray(availability, dtype="<u8").view(np.uint8)
    return np.unpackbits(as_bytes, axis=1, bitorder="little").astype(bool)


class _Columns:
    """What a tile needs of a set of columns, in the shape of the row-side products."""

    def __init__(self, scorer: TileScorer, cols: np.ndarray) -> None:
        problem = scorer.problem
        self.cols = cols
        if scorer.combined_cols is not None:
            self.combined = sp.csr_matrix(scorer.combined_cols[:, cols])
        else:
            self.skill = sp.csr_matrix(scorer.skill_cols[:, cols])
            self.recip = sp.csr_matrix(scorer.recip_cols[:, cols])
        self.goal_id: np.ndarray | None = None
        if scorer.goal_table is None:
            self.goal = np.ascontiguousarray(scorer.col_goal_t[:, cols])
        else:
            self.goal_id = scorer.col_goal_ids[cols]
        if problem.pattern_table is None:
            self.slots = np.ascontiguousarray(scorer.col_slots_t[:, cols])
        else:
            self.pattern = problem.col_pattern[cols]
        self.klass = problem.col_class[cols]

    def part(self, start: int, stop: int) -> _Columns:
        """Columns start..stop of this set, without preparing them again."""
        out = copy.copy(self)
        out.cols = self.cols[start:stop]
        if hasattr(self, "combined"):
            out.combined = self.combined[:, start:stop]
        else:
            out.skill = self.skill[:, start:stop]
            out.recip = self.recip[:, start:stop]
        if self.goal_id is not None:
            out.goal_id = self.goal_id[start:stop]
        else:
            out.goal = self.goal[:, start:stop]
        if hasattr(self, "slots"):
            out.slots = np.ascontiguousarray(self.slots[:, start:stop])
        else:
            out.pattern = self.pattern[start:stop]
        out.klass = self.klass[start:stop]
        return out


class TileScorer:
    """Scores of row blocks against columns, in float32 tiles.

    `tiles(rows)` yields (first column, tile) where tile[i, j] is the score of (rows[i],
    first + j), -inf where a hard rule fails; `tile(rows, columns)` scores any set of columns.
    The waiting bonus and the minimum score are left to the caller.
    """

    def __init__(self, problem: Problem, chunk: int = CHUNK) -> None:
        self.problem = problem
        w = problem.weights
        self.w = w
        n_cols = problem.n_cols
        self.bounds = [(c0, min(c0 + chunk, n_cols)) for c0 in range(0, n_cols, chunk)]
        self.skill_cols = sp.csc_matrix(problem.skill_cols.astype(np.float32))
        self.recip_cols = sp.csc_matrix(problem.recip_cols.astype(np.float32))
        self.skill_rows = problem.skill_rows.astype(np.float32)
        self.recip_rows = problem.recip_rows.astype(np.float32)
        self.combined_rows: sp.csr_matrix | None = None
        self.combined_cols: sp.csc_matrix | None = None
        if not problem.peer:
            # one product gives w0 * skill_fit + w1 * reciprocal_fit
            self.combined_rows = sp.csr_matrix(
                sp.hstack([self.skill_rows * np.float32(w[0]), self.recip_rows * np.float32(w[1])]),
                dtype=np.float32,
            )
            self.combined_cols = sp.csc_matrix(
                sp.vstack([self.skill_cols, self.recip_cols]), dtype=np.float32
            )
        self.col_goal_t = np.ascontiguousarray(problem.cols.goal.T.astype(np.float32))
        self.goal_table: np.ndarray | None = None
        self.row_goal_ids = self.col_goal_ids = np.zeros(0, dtype=np.int64)
        self.row_goal = (problem.rows.goal * w[3]).astype(np.float32)
        self.exclusion = problem.exclusion_matrix
        self.wanted = problem.wanted_matrix
        self.peer_skill_first = bool(w[0] >= w[1])
        if problem.pattern_table is None:
            # too many distinct weeks for a table: half-hour counts as a float32 matrix product
            # over the slots anybody uses (exact: counts stay far below 2**24)
            row_bits = _unpack(problem.rows.availability)
            col_bits = _unpack(problem.cols.availability)
            used = row_bits.any(axis=0) & col_bits.any(axis=0)
            self.row_slots = np.ascontiguousarray(row_bits[:, used], dtype=np.float32)
            # stored a column per line: picking columns then copies whole lines, not 190
            # scattered values each (the product takes the transposed view as it is)
            self.col_slots_t = np.ascontiguousarray(col_bits[:, used], dtype=np.float32).T
            self.slot_scale = np.float32(0.5 / problem.saturation)
        self.chunks = [_Columns(self, np.arange(a, b)) for a, b in self.bounds]

    def tiles(self, rows: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
        prepared = self._rows(rows)
        for (c0, _), columns in zip(self.bounds, self.chunks, strict=True):
            yield c0, self._tile(prepared, columns, c0)

    def use_goal_table(self, row_ids: np.ndarray, col_ids: np.ndarray, table: np.ndarray) -> None:
        """Goal similarity from a table of distinct goals (ids per row and column) in the
        tiles of `tile` from now on: a lookup instead of a product of goal vectors."""
        self.row_goal_ids, self.col_goal_ids = row_ids, col_ids
        self.goal_table = (self.w[3] * np.clip(table, 0.0, 1.0)).astype(np.float32)

    def columns(self, cols: np.ndarray) -> _Columns:
        """A set of columns prepared once for many `tile` calls."""
        return _Columns(self, np.asarray(cols, dtype=np.int64))

    def tile(self, rows: np.ndarray, cols: np.ndarray | _Columns) -> np.ndarray:
        """Scores of rows x the given columns (any order)."""
        columns = cols if isinstance(cols, _Columns) else self.columns(cols)
        return self._tile(self._rows(rows), columns, None)

    def _rows(self, rows: np.ndarray) -> dict:
        problem = self.problem
        rows = np.asarray(rows, dtype=np.int64)
        prepared = {
            "goal": self.row_goal[rows],
            "class": problem.class_table[problem.row_class[rows]],
            "exclusion": self.exclusion[rows].tocsr(),
            "wanted": self.wanted[rows].tocsr(),
        }
        if self.combined_rows is not None:
            prepared["combined"] = self.combined_rows[rows]
        else:
            prepared["skill"] = self.skill_rows[rows]
            prepared["recip"] = self.recip_rows[rows]
        if problem.pattern_table is not None:
            prepared["pattern"] = problem.pattern_table[problem.row_pattern[rows]]
        else:
            prepared["slots"] = self.row_slots[rows]
        if self.goal_table is not None:
            prepared["goal_table"] = self.goal_table[self.row_goal_ids[rows]]
        return prepared

    def _tile(self, prepared: dict, columns: _Columns, c0: int | None) -> np.ndarray:
        w = self.w
        if "combined" in prepared:
            tile = (prepared["combined"] @ columns.combined).toarray()
        else:
            teaches = (prepared["skill"] @ columns.skill).toarray()
            taught = (prepared["recip"] @ columns.recip).toarray()
            better = np.maximum(teaches, taught)
            np.minimum(teaches, taught, out=taught)
            first, second = (w[0], w[1]) if self.peer_skill_first else (w[1], w[0])
            tile = better * np.float32(first)
            tile += taught * np.float32(second)
        if columns.goal_id is not None:
            tile += np.take(prepared["goal_table"], columns.goal_id, axis=1)
        else:
            goal = prepared["goal"] @ columns.goal
            np.maximum(goal, 0.0, out=goal)
            tile += goal
        if "pattern" in prepared:
            tile += np.take(prepared["pattern"], columns.pattern, axis=1)
        else:
            share = prepared["slots"] @ columns.slots
            share *= self.slot_scale
            np.minimum(share, 1.0, out=share)
            share *= np.float32(w[2])
            tile += share
        tile += np.take(prepared["class"], columns.klass, axis=1)
        for name, value in (("wanted", np.float32(w[4])), ("exclusion", None)):
            matrix = prepared[name]
            if not matrix.nnz:
                continue
            if c0 is not None:
                part = matrix[:, c0 : c0 + len(columns.cols)].tocoo()
            else:
                part = matrix[:, columns.cols].tocoo()
            if value is None:
                tile[part.row, part.col] = -np.inf
            else:
                tile[part.row, part.col] += value
        return tile
