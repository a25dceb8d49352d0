"""The matching engine's inputs and outputs: plain NumPy arrays and frozen dataclasses.

Nothing here knows about Django. The Django side builds a `MatchInput` from the ORM (one row of
`People` per participant, skills as sparse person x skill matrices, the org chart as Euler-tour
intervals) and turns a `MatchResult` back into mentorships, sentences and CSV rows.

People are named by their position in `People` ("person index") everywhere in the API; `ids`
carries the caller's stable key (a primary key), which is also what makes the result independent
of the order the caller listed people in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import scipy.sparse as sp

from balik.programs.weights import COMPONENTS

SLOTS_PER_WEEK = 7 * 48  # half-hour slots, Monday 00:00 UTC = slot 0
AVAILABILITY_WORDS = 6  # 336 bits packed into six uint64 words
MAX_SKILL_LEVEL = 3


class Kind(StrEnum):
    FLIPPED = "flipped"
    REVERSE = "reverse"
    CLASSIC = "classic"
    PEER = "peer"


class Rule(StrEnum):
    """Hard rules. A pair that breaks one is never proposed (unless a manager locked it)."""

    SELF = "self"
    SENIORITY = "seniority"
    LANGUAGE = "language"
    DEPARTMENT = "department"
    MANAGER_CHAIN = "manager_chain"
    AVOID = "avoid"
    FORBIDDEN = "forbidden"
    NO_CAPACITY = "no_capacity"


RULE_BITS: dict[Rule, int] = {rule: 1 << position for position, rule in enumerate(Rule)}
BELOW_MIN_SCORE = "below_min_score"

DEFAULT_SENIORITY_GAP: dict[Kind, int] = {
    Kind.FLIPPED: 1,
    Kind.CLASSIC: 1,
    Kind.REVERSE: 2,
    Kind.PEER: 2,
}


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weights of the score components; the score is the weighted mean."""

    skill_fit: float = 0.35
    reciprocal_fit: float = 0.15
    availability: float = 0.15
    goal_similarity: float = 0.15
    preference: float = 0.10
    department_diversity: float = 0.10

    @classmethod
    def for_kind(cls, kind: Kind | str) -> Weights:
        kind = Kind(kind)
        if kind is Kind.REVERSE:
            return cls(0.35, 0.20, 0.15, 0.10, 0.10, 0.10)
        if kind is Kind.PEER:
            return cls(0.30, 0.30, 0.15, 0.15, 0.10, 0.0)
        return cls(0.40, 0.05, 0.20, 0.20, 0.10, 0.05)

    def as_array(self) -> np.ndarray:
        values = np.array([getattr(self, name) for name in COMPONENTS], dtype=np.float64)
        if np.any(values < 0) or not np.all(np.isfinite(values)):
            raise ValueError("weights must be finite and not negative")
        if values.sum() <= 0:
            raise ValueError("at least one weight must be positive")
        return values / values.sum()


@dataclass(frozen=True, slots=True)
class Settings:
    """A programme's matching settings.

    seniority_gap: reverse: the mentor is junior by at least N levels; flipped and classic: senior
    by at least N; peer: at most N apart. None takes the kind's default (2, 1, 1, 2).
    manager_chain_depth: None never pairs anyone with anybody up their management chain; k only
    with the k nearest managers up the chain; 0 switches the rule off.
    min_score: pairs scoring less (before the waiting bonus) are never proposed.
    candidates_per_person: how many best partners per person enter the exact solve before the
    optimality proof adds any that are missing.
    """

    kind: Kind = Kind.CLASSIC
    seniority_gap: int | None = None
    manager_chain_depth: int | None = None
    require_different_department: bool = False
    weights: Weights | None = None
    min_score: float = 0.0
    availability_saturation_hours: float = 4.0
    candidates_per_person: int = 24

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        if self.seniority_gap is not None and self.seniority_gap < 0:
            raise ValueError("seniority_gap must not be negative")
        if self.manager_chain_depth is not None and self.manager_chain_depth < 0:
            raise ValueError("manager_chain_depth must not be negative")
        if not 0.0 <= self.min_score <= 1.0:
            raise ValueError("min_score must be between 0 and 1")
        if self.availability_saturation_hours <= 0:
            raise ValueError("availability_saturation_hours must be positive")
        if self.candidates_per_person < 1:
            raise ValueError("candidates_per_person must be at least 1")

    @property
    def gap(self) -> int:
        if self.seniority_gap is not None:
            return self.seniority_gap
        return DEFAULT_SENIORITY_GAP[self.kind]

    @property
    def effective_weights(self) -> Weights:
        return self.weights if self.weights is not None else Weights.for_kind(self.kind)


def _int_array(values: Any, name: str, n: int, dtype: Any = np.int64) -> np.ndarray:
    array = np.asarray(values)
    if array.shape != (n,):
        raise ValueError(f"{name} must have one value per person ({n}), got shape {array.shape}")
    return array.astype(dtype, copy=False)


def _level_matrix(matrix: Any, name: str, n: int, skills: int | None) -> sp.csr_matrix:
    csr = sp.csr_matrix(matrix)
    if csr.shape[0] != n:
        raise ValueError(f"{name} must have one row per person ({n}), got {csr.shape[0]}")
    if skills is not None and csr.shape[1] != skills:
        raise ValueError(f"{name} must have {skills} skill columns, got {csr.shape[1]}")
    csr.sum_duplicates()
    csr.eliminate_zeros()
    csr.sort_indices()
    return csr


@dataclass(frozen=True, eq=False)
class People:
    """Everyone who takes part, one row each.

    ids: the caller's stable keys (unique); results never depend on the order of the rows.
    seniority: 1 (entry level) to 10.  department: an integer per department, -1 unknown.
    languages: a bitmask per person (bit k = language k); a pair needs one bit in common.
    tin, tout, depth: the org chart as an Euler tour (see `eligibility.euler_tour`): a is up b's
    management chain when tin[a] <= tin[b] < tout[a]; depth counts levels from the top.
    availability: (n, 6) uint64, 336 half-hour slots of the week in UTC (`pack_slots`).
    teach, learn: (n, skills) sparse levels 1..3.  learn_priority: the same pattern as learn,
    1 = wants it first, 2 = second, ...
    goal_texts: free text in Indonesian or English.  waiting_bonus: added to the score of any
    pair that includes the person (people who waited longest get priority).
    """

    ids: np.ndarray
    seniority: np.ndarray
    department: np.ndarray
    languages: np.ndarray
    tin: np.ndarray
    tout: np.ndarray
    depth: np.ndarray
    availability: np.ndarray
    teach: sp.csr_matrix
    learn: sp.csr_matrix
    learn_priority: sp.csr_matrix
    goal_texts: tuple[str, ...]
    waiting_bonus: np.ndarray

    @classmethod
    def build(
        cls,
        ids: Sequence[int] | np.ndarray,
        *,
        seniority: Sequence[int] | np.ndarray | None = None,
        department: Sequence[int] | np.ndarray | None = None,
        languages: Sequence[int] | np.ndarray | None = None,
        tin: Sequence[int] | np.ndarray | None = None,
        tout: Sequence[int] | np.ndarray | None = None,
        depth: Sequence[int] | np.ndarray | None = None,
        availability: np.ndarray | None = None,
        teach: Any = None,
        learn: Any = None,
        learn_priority: Any = None,
        skills: int | None = None,
        goal_texts: Sequence[str] | None = None,
        waiting_bonus: Sequence[float] | np.ndarray | None = None,
    ) -> People:
        """Fill what is missing with neutral values and check the shapes."""
        ids_array = np.asarray(ids, dtype=np.int64)
        n = len(ids_array)
        if len(np.unique(ids_array)) != n:
            raise ValueError("ids must be unique")
        width = skills
        for matrix in (teach, learn, learn_priority):
            if matrix is not None and width is None:
                width = sp.csr_matrix(matrix).shape[1]
        width = width or 1
        empty = sp.csr_matrix((n, width), dtype=np.int8)
        teach_m = _level_matrix(teach if teach is not None else empty, "teach", n, width)
        learn_m = _level_matrix(learn if learn is not None else empty, "learn", n, width)
        if learn_priority is None:
            # order given = column order within each row
            priority = learn_m.copy().astype(np.int16)
            counts = np.diff(learn_m.indptr)
            priority.data = (
                np.arange(learn_m.nnz) - np.repeat(learn_m.indptr[:-1], counts) + 1
            ).astype(np.int16)
        else:
            priority = _level_matrix(learn_priority, "learn_priority", n, width)
        for name, matrix in (("teach", teach_m), ("learn", learn_m)):
            if matrix.nnz and (matrix.data.min() < 1 or matrix.data.max() > MAX_SKILL_LEVEL):
                raise ValueError(f"{name} levels must be 1..{MAX_SKILL_LEVEL}")
        if priority.nnz != learn_m.nnz or not (
            np.array_equal(priority.indices, learn_m.indices)
            and np.array_equal(priority.indptr, learn_m.indptr)
        ):
            raise ValueError("learn_priority must have the same entries as learn")
        if priority.nnz and priority.data.min() < 1:
            raise ValueError("learn_priority values start at 1 (wanted first)")
        if tin is None:
            tin_a = np.arange(n, dtype=np.int64)
            tout_a = tin_a + 1
            depth_a = np.zeros(n, dtype=np.int64)
        else:
            if tout is None or depth is None:
                raise ValueError("tin needs tout and depth")
            tin_a = _int_array(tin, "tin", n)
            tout_a = _int_array(tout, "tout", n)
            depth_a = _int_array(depth, "depth", n)
            if np.any(tout_a <= tin_a):
                raise ValueError("tout must be greater than tin for every person")
        if availability is None:
            availability_a = np.zeros((n, AVAILABILITY_WORDS), dtype=np.uint64)
        else:
            availability_a = np.ascontiguousarray(availability, dtype=np.uint64)
            if availability_a.shape != (n, AVAILABILITY_WORDS):
                raise ValueError(f"availability must have shape ({n}, {AVAILABILITY_WORDS})")
        texts = tuple(goal_texts) if goal_texts is not None else ("",) * n
        if len(texts) != n:
            raise ValueError("goal_texts must have one text per person")
        bonus = (
            np.zeros(n)
            if waiting_bonus is None
            else _int_array(waiting_bonus, "waiting_bonus", n, np.float64)
        )
        if np.any(bonus < 0) or not np.all(np.isfinite(bonus)):
            raise ValueError("waiting_bonus must be finite and not negative")
        seniority_a = _int_array(seniority if seniority is not None else np.ones(n), "seniority", n)
        return cls(
            ids=ids_array,
            seniority=seniority_a,
            department=_int_array(
                department if department is not None else np.full(n, -1), "department", n
            ),
            languages=_int_array(
                languages if languages is not None else np.ones(n), "languages", n, np.uint64
            ),
            tin=tin_a,
            tout=tout_a,
            depth=depth_a,
            availability=availability_a,
            teach=teach_m,
            learn=learn_m,
            learn_priority=priority,
            goal_texts=texts,
            waiting_bonus=bonus,
        )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def skills(self) -> int:
        return int(self.teach.shape[1])


def _pairs(values: Any, name: str) -> np.ndarray:
    if values is None:
        return np.zeros((0, 2), dtype=np.int64)
    array = np.asarray(values, dtype=np.int64).reshape(-1, 2)
    return array


@dataclass(frozen=True, eq=False)
class MatchInput:
    """One programme's matching problem.

    mentors, mentees: person indices (a person may be in both; never paired with themself).
    For a peer programme the union of both lists is one pool, each person's capacity is the
    number of peers they take (mentors' capacity, 1 for the others), and a pair is unordered.
    capacity: per entry of `mentors` (default 1).
    wanted: (who asked, for whom) person-index pairs; either direction counts.
    avoid: pairs never to match, either direction.  forbidden: (mentor, mentee) pairs a manager
    forbade.  locked: (mentor, mentee) pairs that must be in the result.
    """

    people: People
    settings: Settings
    mentors: np.ndarray
    mentees: np.ndarray
    capacity: np.ndarray
    wanted: np.ndarray
    avoid: np.ndarray
    locked: np.ndarray
    forbidden: np.ndarray

    @classmethod
    def build(
        cls,
        people: People,
        settings: Settings,
        *,
        mentors: Sequence[int] | np.ndarray,
        mentees: Sequence[int] | np.ndarray,
        capacity: Sequence[int] | np.ndarray | None = None,
        wanted: Any = None,
        avoid: Any = None,
        locked: Any = None,
        forbidden: Any = None,
    ) -> MatchInput:
        n = len(people)
        mentors_a = np.asarray(mentors, dtype=np.int64).reshape(-1)
        mentees_a = np.asarray(mentees, dtype=np.int64).reshape(-1)
        for name, array in (("mentors", mentors_a), ("mentees", mentees_a)):
            if array.size and (array.min() < 0 or array.max() >= n):
                raise ValueError(f"{name} must be person indices 0..{n - 1}")
            if len(np.unique(array)) != len(array):
                raise ValueError(f"{name} lists a person twice")
        capacity_a = (
            np.ones(len(mentors_a), dtype=np.int64)
            if capacity is None
            else np.asarray(capacity, dtype=np.int64).reshape(-1)
        )
        if capacity_a.shape != mentors_a.shape:
            raise ValueError("capacity must have one value per mentor")
        if capacity_a.size and capacity_a.min() < 0:
            raise ValueError("capacity must not be negative")
        pairs = {
            "wanted": _pairs(wanted, "wanted"),
            "avoid": _pairs(avoid, "avoid"),
            "locked": _pairs(locked, "locked"),
            "forbidden": _pairs(forbidden, "forbidden"),
        }
        for name, array in pairs.items():
            if array.size and (array.min() < 0 or array.max() >= n):
                raise ValueError(f"{name} must hold person indices 0..{n - 1}")
        return cls(
            people=people,
            settings=settings,
            mentors=mentors_a,
            mentees=mentees_a,
            capacity=capacity_a,
            **pairs,
        )


@dataclass(frozen=True, slots=True)
class ReasonFact:
    """A machine-readable fact; `explain.Explainer` turns it into a sentence.

    People in `data` are person indices, skills are skill column indices.
    """

    code: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pair:
    mentor: int  # person index (peer: the partner whose teaching fits best)
    mentee: int
    mentor_id: int
    mentee_id: int
    score: float  # weighted mean of the components, in [0, 1]
    bonus: float  # waiting priority added in the objective
    components: Mapping[str, float]
    reasons: tuple[ReasonFact, ...]
    locked: bool = False
    broken_rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unmatched:
    person: int
    person_id: int
    role: str  # "mentor", "mentee" or "peer"
    reason: ReasonFact


@dataclass(frozen=True, slots=True)
class Certificate:
    """Why the objective is optimal, or how far from optimal it can be at most.

    upper_bound: a proven bound on the best achievable objective (LP duality: the restricted
    problem's dual, feasible for every pair checked, plus bounds for pairs not checked).
    proven_optimal: the gap is within `tolerance`.
    rounds: solve-and-price rounds; max_violation: the largest reduced cost score - u - v over
    every pair checked at the end (<= tolerance means the dual is feasible).
    unresolved: people whose pairs could not all be checked within the budget.
    """

    upper_bound: float
    gap: float
    relative_gap: float
    proven_optimal: bool
    rounds: int
    max_violation: float
    tolerance: float
    pairs_checked_exactly: int
    unresolved: int
    method: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    objective: float
    solver: str
    seconds: float
    stage_seconds: Mapping[str, float]
    certificate: Certificate
    candidates: int  # candidate pairs the exact solve saw
    # LP duals by person index (NaN for people not in that role); peer: one value per person.
    # Every pair satisfies score + bonus <= mentee_dual + mentor_dual (+ tolerance) when the
    # certificate is proven.
    mentee_dual: np.ndarray = field(default_factory=lambda: np.zeros(0))
    mentor_dual: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def as_dict(self) -> dict[str, Any]:
        """Plain data (person indices), ready for JSON."""
        return {
            "pairs": [
                {
                    "mentor": pair.mentor,
                    "mentee": pair.mentee,
                    "score": pair.score,
                    "bonus": pair.bonus,
                    "components": dict(pair.components),
                    "locked": pair.locked,
                    "broken_rules": list(pair.broken_rules),
                    "reasons": [{"code": f.code, **dict(f.data)} for f in pair.reasons],
                }
                for pair in self.pairs
            ],
            "unmatched": [
                {
                    "person": u.person,
                    "role": u.role,
                    "reason": {"code": u.reason.code, **dict(u.reason.data)},
                }
                for u in self.unmatched
            ],
            "objective": self.objective,
            "solver": self.solver,
            "seconds": self.seconds,
            "stage_seconds": dict(self.stage_seconds),
            "certificate": {
                name: getattr(self.certificate, name)
                for name in self.certificate.__dataclass_fields__
            },
            "candidates": self.candidates,
        }
