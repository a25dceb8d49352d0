"""Finding candidate pairs and proving that the others cannot help.

`scan` walks row blocks against every column in float32 tiles and keeps, per row, the best
`keep` partners, an upper bound on everything it did not keep, and (given duals) every pair
whose reduced cost weight - u - v may be positive. Scanning all rows is exact but costs
rows x columns work; `sparse_candidates` finds candidates for large programmes from the
skill products alone and bounds the rest (see its docstring).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from balik.matching.problem import Problem
from balik.matching.scoring import TILE_SLACK, TileScorer

ROW_BLOCK_CELLS = 1 << 20  # rows per block x chunk width


@dataclass(eq=False)
class ScanResult:
    rows: np.ndarray
    top_cols: np.ndarray  # (len(rows), keep), -1 padded
    bound: np.ndarray  # per row: upper bound on weight (score + bonus) of pairs not kept
    violator_r: np.ndarray
    violator_c: np.ndarray
    pairs_scanned: int


@dataclass(eq=False)
class ColumnStats:
    """Best base score per column over the rows scanned: feasible pairs, eligible pairs."""

    best_feasible: np.ndarray
    best_eligible: np.ndarray
    complete: bool = False


@dataclass(eq=False)
class Candidates:
    r: np.ndarray
    c: np.ndarray
    bound: np.ndarray  # per row (weight), -inf when every feasible pair is a candidate
    scanned: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def add(self, problem: Problem, r: np.ndarray, c: np.ndarray) -> int:
        if not len(r):
            return 0
        old = problem.keys(self.r, self.c)
        new = np.unique(problem.keys(np.asarray(r), np.asarray(c)))
        new = new[~np.isin(new, old)]
        n_cols = max(problem.n_cols, 1)
        self.r = np.concatenate([self.r, new // n_cols])
        self.c = np.concatenate([self.c, new % n_cols])
        return len(new)


def _merge_top(
    top_val: np.ndarray,
    top_col: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    vals: np.ndarray,
) -> None:
    """Merge new (row, col, value) entries into per-row top lists in place."""
    keep = top_val.shape[1]
    b = top_val.shape[0]
    all_rows = np.concatenate([np.repeat(np.arange(b), keep), rows])
    all_cols = np.concatenate([top_col.ravel(), cols])
    all_vals = np.concatenate([top_val.ravel(), vals])
    order = np.lexsort((all_cols, -all_vals, all_rows))
    all_rows, all_cols, all_vals = all_rows[order], all_cols[order], all_vals[order]
    start = np.searchsorted(all_rows, np.arange(b))
    rank = np.arange(len(all_rows)) - start[all_rows]
    sel = rank < keep
    top_val[all_rows[sel], rank[sel]] = all_vals[sel]
    top_col[all_rows[sel], rank[sel]] = all_cols[sel]


def scan(
    problem: Problem,
    scorer: TileScorer,
    rows: np.ndarray,
    keep: int,
    *,
    u: np.ndarray | None = None,
    v: np.ndarray | None = None,
    threshold: float = 1e-9,
    stats: ColumnStats | None = None,
) -> ScanResult:
    """Best `keep` partners per row, a bound on the rest, and pairs with reduced cost > threshold.

    Weights are score + both waiting bonuses. Pairs below the minimum score or breaking a
    hard rule count as absent.
    """
    rows = np.asarray(rows, dtype=np.int64)
    n_cols = problem.n_cols
    keep = max(1, min(keep, n_cols)) if n_cols else 1
    col_offset = problem.cols.bonus.astype(np.float32)
    col_offset[problem.col_cap <= 0] = -np.inf
    minimum = np.float32(problem.min_score - TILE_SLACK)
    top_cols = np.full((len(rows), keep), -1, dtype=np.int64)
    bound = np.full(len(rows), -np.inf)
    vio_r: list[np.ndarray] = []
    vio_c: list[np.ndarray] = []
    width = min(
        (len(scorer.bounds) and scorer.bounds[0][1] - scorer.bounds[0][0]) or 1, n_cols or 1
    )
    block = max(16, ROW_BLOCK_CELLS // max(width, 1))
    scanned = 0
    for b0 in range(0, len(rows), block):
        block_rows = rows[b0 : b0 + block]
        b = len(block_rows)
        top_val = np.full((b, keep), -np.inf, dtype=np.float32)
        top_col = np.full((b, keep), -1, dtype=np.int64)
        if u is not None and v is not None:
            need = (u[block_rows] - problem.rows.bonus[block_rows] + threshold - TILE_SLACK).astype(
                np.float32
            )
        for c0, tile in scorer.tiles(block_rows):
            w = tile.shape[1]
            scanned += tile.size
            if stats is not None:
                np.maximum(
                    stats.best_eligible[c0 : c0 + w],
                    tile.max(axis=0),
                    out=stats.best_eligible[c0 : c0 + w],
                )
            np.putmask(tile, tile < minimum, -np.inf)
            if stats is not None:
                np.maximum(
                    stats.best_feasible[c0 : c0 + w],
                    tile.max(axis=0),
                    out=stats.best_feasible[c0 : c0 + w],
                )
            tile += col_offset[c0 : c0 + w]
            if u is not None and v is not None:
                reduced = tile - v[c0 : c0 + w].astype(np.float32)
                hit = np.flatnonzero(reduced > need[:, None])
                if hit.size:
                    vio_r.append(block_rows[hit // w])
                    vio_c.append(c0 + hit % w)
            threshold_row = top_val[:, -1]
            above = np.flatnonzero(tile > threshold_row[:, None])
            if not above.size:
                continue
            if above.size > 4 * b * keep and w > keep:
                part = np.argpartition(-tile, keep - 1, axis=1)[:, :keep]
                values = np.take_along_axis(tile, part, axis=1)
                fine = np.isfinite(values)
                rr = np.repeat(np.arange(b), keep)[fine.ravel()]
                _merge_top(top_val, top_col, rr, c0 + part.ravel()[fine.ravel()], values[fine])
            else:
                _merge_top(top_val, top_col, above // w, c0 + above % w, tile.ravel()[above])
        top_cols[b0 : b0 + b] = np.where(np.isfinite(top_val), top_col, -1)
        full = np.isfinite(top_val[:, -1])
        bound[b0 : b0 + b] = np.where(
            full,
            top_val[:, -1].astype(np.float64) + TILE_SLACK + problem.rows.bonus[block_rows],
            -np.inf,
        )
    empty = np.zeros(0, dtype=np.int64)
    return ScanResult(
        rows=rows,
        top_cols=top_cols,
        bound=bound,
        violator_r=np.concatenate(vio_r) if vio_r else empty,
        violator_c=np.concatenate(vio_c) if vio_c else empty,
        pairs_scanned=scanned,
    )


def scan_pairs(result: ScanResult) -> tuple[np.ndarray, np.ndarray]:
    have = result.top_cols >= 0
    r = np.repeat(result.rows, result.top_cols.shape[1])[have.ravel()]
    return r, result.top_cols[have]
