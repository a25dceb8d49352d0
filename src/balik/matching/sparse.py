"""Candidate search for large programmes (placeholder: full scan)."""

from __future__ import annotations

import numpy as np

from balik.matching.problem import Problem
from balik.matching.scoring import TileScorer
from balik.matching.search import scan, scan_pairs


def sparse_candidates(
    problem: Problem, active: np.ndarray, keep: int, deadline: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    result = scan(problem, TileScorer(problem), active, keep)
    r, c = scan_pairs(result)
    return r, c, result.bound, result.pairs_scanned
