"""Exact solvers for the restricted problem (the candidate pairs).

Bipartite (flipped, reverse, classic): maximum-weight b-matching, mentees take one mentor,
mentor j takes up to cap[j] mentees, anyone may stay unmatched. Solved by an auction with
epsilon scaling (Bertsekas), vectorised over all bidders at once ("Jacobi" rounds): forward
rounds in which unassigned mentees bid for their best mentor, then reverse rounds in which
mentors with a free place and a positive price lower it to attract the best mentee, in
every scaling phase (prices a coarse epsilon inflated come down in coarse steps; left to the
last phase they came down by 1e-11 at a time, for minutes on 100,000 mentees). The
result satisfies epsilon-complementary slackness with the final epsilon (1e-11): the prices
are the LP dual values v (per mentor), the profits the dual values u (per mentee), every
candidate pair has u + v >= weight - epsilon, and the dual objective equals the matching's
weight. So the matching is optimal to within (number of mentees) x epsilon, and the duals are
what the engine prices all other pairs with.

Peer: maximum-weight b-matching in a general graph. The LP relaxation (HiGHS) gives the
duals for pricing; the integer optimum comes from HiGHS's MILP on the candidate edges, and
reduced-cost fixing makes it global (see engine).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

EPS_FINAL = 1e-11
EXACT_EDGES = 1_500_000  # LAPJVsp slows down sharply on larger capacity-expanded graphs
PRICE_SECONDS = 30.0  # auction time; past it LAPJVsp matches and the bound is valid, looser
THETA = 10.0
WARM_EPS = 1e-4  # first epsilon when the auction starts from given prices


@dataclass(frozen=True, eq=False)
class BipartiteSolution:
    mate: np.ndarray  # per row: column or -1
    u: np.ndarray  # per row
    v: np.ndarray  # per column
    objective: float
    forward_rounds: int
    reverse_rounds: int
    phases: int
    method: str = "auction"  # "auction", "lapjvsp" (auction out of time), "auction, cut short"


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    csum = np.cumsum(lengths)
    first = csum - lengths
    total = int(csum[-1]) if len(csum) else 0
    return np.repeat(starts, lengths) + (np.arange(total) - np.repeat(first, lengths)), first


def solve_bipartite(
    n_rows: int,
    n_cols: int,
    r: np.ndarray,
    c: np.ndarray,
    w: np.ndarray,
    cap: np.ndarray,
    eps_final: float = EPS_FINAL,
    price_seconds: float = PRICE_SECONDS,
    prices: np.ndarray | None = None,
) -> BipartiteSolution:
    """Maximum-weight matching: row takes <= 1 column, column c takes <= cap[c] rows.

    The auction gives the matching and the mentor prices v. Should it not finish within
    `price_seconds`, the matching comes from SciPy's LAPJVsp on the capacity-expanded graph
    (exact) where that graph has at most EXACT_EDGES edges, else the auction's partial matching
    stands (feasible, not optimal). `prices` (v of an earlier solve) warm-start the auction:
    any prices do, the final epsilon-complementary slackness holds all the same. Either way
    the duals returned are feasible for every candidate pair: u is recomputed from v as each
    row's best surplus, so sum(u) + sum(cap * v) is always a valid upper bound.
    """
    started = time.perf_counter()
    order = np.lexsort((c, r))
    rows, cols, w = r[order], c[order].astype(np.int64), w[order].astype(np.float64)
    keep = w > 0  # a pair worth nothing is never better than staying unmatched
    rows, cols, w = rows[keep], cols[keep], w[keep]
    cap = np.asarray(cap, dtype=np.int64)
    n, m = n_rows, n_cols
    indptr = np.searchsorted(rows, np.arange(n + 1))
    lengths_all = np.diff(indptr)
    column_order = np.lexsort((rows, cols))
    cindptr = np.searchsorted(cols[column_order], np.arange(m + 1))
    price = np.zeros(m) if prices is None else np.array(prices, dtype=np.float64)
    held = np.full(n, -1, dtype=np.int64)  # edge index
    state = np.zeros(n, dtype=np.int8)  # 0 bidding, 1 holding, 2 staying unmatched
    state[lengths_all == 0] = 2
    paid = np.zeros(n)
    load = np.zeros(m, dtype=np.int64)
    receiving = np.zeros(m, dtype=bool)
    eps = max(float(w.max(initial=0.0)), 1e-9) / 5
    if prices is not None:
        # prices from a solve of nearly the same problem: start near the end of the scaling
        eps = min(eps, WARM_EPS)
    schedule = []
    while eps > eps_final:
        schedule.append(eps)
        eps /= THETA
    schedule.append(eps_final)
    forward = reverse = 0
    stopped = False
    unsettled = True  # forward rounds ran since every holder last paid the current price

    def settle_payments() -> None:
        holders = np.flatnonzero(state == 1)
        paid[holders] = price[cols[held[holders]]]

    for phase, eps in enumerate(schedule):
        if phase:
            settle_payments()
            value = w - price[cols]
            best = np.zeros(n)
            has = lengths_all > 0
            best[has] = np.maximum(np.maximum.reduceat(value, indptr[:-1][has]), 0.0)
            profit = np.zeros(n)
            holders = np.flatnonzero(state == 1)
            profit[holders] = w[held[holders]] - paid[holders]
            unhappy = (state > 0) & (profit < best - eps)
            leaving = np.flatnonzero(unhappy & (state == 1))
            np.subtract.at(load, cols[held[leaving]], 1)
            state[unhappy] = 0
            held[unhappy] = -1
        bidders = np.flatnonzero(state == 0)
        while not stopped:
            if time.perf_counter() - started > price_seconds:
                stopped = True
                break
            while bidders.size:
                forward += 1
                unsettled = True
                if time.perf_counter() - started > price_seconds:
                    stopped = True
                    break
                lengths = lengths_all[bidders]
                edges, first = _ranges(indptr[bidders], lengths)
                owner = np.repeat(np.arange(len(bidders)), lengths)
                value = w[edges] - price[cols[edges]]
                best = np.maximum.reduceat(value, first)
                is_best = value == best[owner]
                best_at = np.minimum.reduceat(
                    np.where(is_best, np.arange(len(edges)), len(edges)), first
                )
                value[best_at] = -np.inf
                second = np.maximum(np.maximum.reduceat(value, first), 0.0)
                stay = best <= 0.0
                state[bidders[stay]] = 2
                go = ~stay
                bidder = bidders[go]
                if not bidder.size:
                    break
                edge = edges[best_at[go]]
                target = cols[edge]
                bid = price[target] + (best[go] - second[go]) + eps
                receiving[target] = True
                holders = np.flatnonzero(state == 1)
                holders = holders[receiving[cols[held[holders]]]]
                receiving[target] = False
                who = np.concatenate([holders, bidder])
                who_edge = np.concatenate([held[holders], edge])
                amount = np.concatenate([paid[holders], bid])
                mentor = cols[who_edge]
                order = np.lexsort((who, -amount, mentor))
                who, who_edge, amount, mentor = (
                    who[order],
                    who_edge[order],
                    amount[order],
                    mentor[order],
                )
                group = np.flatnonzero(np.r_[True, mentor[1:] != mentor[:-1]])
                size = np.diff(np.r_[group, len(mentor)])
                rank = np.arange(len(mentor)) - np.repeat(group, size)
                kept = rank < cap[mentor]
                held[who[kept]] = who_edge[kept]
                paid[who[kept]] = amount[kept]
                state[who[kept]] = 1
                held[who[~kept]] = -1
                state[who[~kept]] = 0
                group_mentor = mentor[group]
                taken = np.minimum(size, cap[group_mentor])
                load[group_mentor] = taken
                full = taken == cap[group_mentor]
                price[group_mentor[full]] = amount[(group + taken - 1)[full]]
                bidders = np.flatnonzero(state == 0)
            if stopped:
                break
            # reverse rounds: a mentor with a free place must not keep a positive price
            overpriced = np.flatnonzero((load < cap) & (price > 0))
            if not overpriced.size:
                break
            reverse += 1
            if unsettled:
                settle_payments()
                unsettled = False
            lengths = cindptr[overpriced + 1] - cindptr[overpriced]
            positions, first = _ranges(cindptr[overpriced], lengths)
            edge = column_order[positions]
            mentor = np.repeat(overpriced, lengths)
            person = rows[edge]
            # only the people these mentors could take matter: a round costs their edges, not
            # every row (the last rounds often move one mentor's price)
            holding = state[person] == 1
            profit = np.where(holding, w[held[person]] - paid[person], 0.0)
            margin = w[edge] - profit
            margin[holding & (held[person] == edge)] = -np.inf
            affected_person, affected_edge, affected_mentor = person, edge, mentor
            order = np.lexsort((person, -margin, mentor))
            mentor, person, margin, edge = mentor[order], person[order], margin[order], edge[order]
            free = cap[overpriced] - load[overpriced]
            rank = np.arange(len(mentor)) - np.repeat(first, lengths)
            free_each = np.repeat(free, lengths)
            next_best = np.full(len(overpriced), -np.inf)
            at = rank == free_each
            next_best[np.searchsorted(overpriced, mentor[at])] = margin[at]
            new_price = np.maximum(0.0, next_best - eps)
            price[overpriced] = new_price
            price_each = np.repeat(new_price, lengths)
            offer = (
                (rank < free_each)
                & (margin >= price_each + eps)
                & ((price_each > 0) | (margin > eps))
            )
            person, edge, asked = person[offer], edge[offer], price_each[offer]
            if person.size:
                gain = w[edge] - asked
                order = np.lexsort((cols[edge], -gain, person))
                person, edge, asked, gain = person[order], edge[order], asked[order], gain[order]
                first_offer = np.r_[True, person[1:] != person[:-1]]
                person, edge, asked, gain = (
                    person[first_offer],
                    edge[first_offer],
                    asked[first_offer],
                    gain[first_offer],
                )
                current = np.zeros(len(person))
                holding = state[person] == 1
                current[holding] = w[held[person[holding]]] - price[cols[held[person[holding]]]]
                moves = gain > current
                person, edge, asked = person[moves], edge[moves], asked[moves]
                leaving = person[state[person] == 1]
                np.subtract.at(load, cols[held[leaving]], 1)
                held[person] = edge
                paid[person] = asked
                state[person] = 1
                np.add.at(load, cols[edge], 1)
            # prices moved only at these mentors: their holders pay the new price
            holds = (state[affected_person] == 1) & (held[affected_person] == affected_edge)
            paid[affected_person[holds]] = price[affected_mentor[holds]]
            bidders = np.flatnonzero(state == 0)
    mate = np.full(n, -1, dtype=np.int64)
    holders = np.flatnonzero(state == 1)
    mate[holders] = cols[held[holders]]
    objective = float(w[held[holders]].sum())
    method = "auction, cut short" if stopped else "auction"
    if stopped and int(cap[cols].sum()) <= EXACT_EDGES:
        mate, objective = _exact_matching(n_rows, n_cols, rows, cols, w, cap)
        method = "lapjvsp"
    elif stopped:
        objective += _fill_greedily(mate, rows, cols, w, cap)
    # u from v: each row's best surplus over its candidates (feasible by construction)
    u = np.zeros(n)
    if len(rows):
        surplus = w - price[cols]
        has = lengths_all > 0
        u[has] = np.maximum(np.maximum.reduceat(surplus, indptr[:-1][has]), 0.0)
    return BipartiteSolution(
        mate=mate,
        u=u,
        v=price,
        objective=objective,
        forward_rounds=forward,
        reverse_rounds=reverse,
        phases=len(schedule),
        method=method,
    )


def _fill_greedily(
    mate: np.ndarray, rows: np.ndarray, cols: np.ndarray, w: np.ndarray, cap: np.ndarray
) -> float:
    """Give rows left unassigned their best candidate with a free place; the weight added."""
    load = np.bincount(mate[mate >= 0], minlength=len(cap))
    waiting = mate[rows] < 0
    r, c, value = rows[waiting], cols[waiting], w[waiting]
    order = np.lexsort((c, -value))
    added = 0.0
    for row, col, weight in zip(
        r[order].tolist(), c[order].tolist(), value[order].tolist(), strict=True
    ):
        if mate[row] < 0 and load[col] < cap[col]:
            mate[row] = col
            load[col] += 1
            added += weight
    return added


def _exact_matching(
    n: int, m: int, r: np.ndarray, c: np.ndarray, w: np.ndarray, cap: np.ndarray
) -> tuple[np.ndarray, float]:
    """Optimal b-matching by LAPJVsp: one column per place, one "unmatched" column per row."""
    mate = np.full(n, -1, dtype=np.int64)
    r, c, w = np.asarray(r, np.int64), np.asarray(c, np.int64), np.asarray(w, np.float64)
    keep = (w > 0) & (np.asarray(cap)[c] > 0)
    r, c, w = r[keep], c[keep], w[keep]
    if not len(r):
        return mate, 0.0
    order = np.lexsort((c, r))
    r, c, w = r[order], c[order], w[order]
    cap = np.asarray(cap, dtype=np.int64)
    first_place = np.concatenate([[0], np.cumsum(cap)])
    places = int(first_place[-1])
    copies = cap[c]
    place = np.repeat(first_place[c], copies) + (
        np.arange(int(copies.sum())) - np.repeat(np.cumsum(copies) - copies, copies)
    )
    big = float(w.max()) + 1.0
    graph = sp.csr_matrix(
        (
            np.concatenate([big - np.repeat(w, copies), np.full(n, big)]),
            (
                np.concatenate([np.repeat(r, copies), np.arange(n)]),
                np.concatenate([place, places + np.arange(n)]),
            ),
        ),
        shape=(n, places + n),
    )
    rows, columns = min_weight_full_bipartite_matching(graph)
    real = columns < places
    owner = np.repeat(np.arange(m), cap)
    mate[rows[real]] = owner[columns[real]]
    matched = np.flatnonzero(mate >= 0)
    key_pairs = matched * m + mate[matched]
    position = np.searchsorted(r * m + c, key_pairs)
    return mate, float(w[position].sum())


@dataclass(frozen=True, eq=False)
class PeerLP:
    y: np.ndarray  # per person
    z: np.ndarray  # per candidate edge (upper bound x <= 1)
    value: float


def _incidence(n: int, a: np.ndarray, b: np.ndarray) -> sp.csr_matrix:
    k = len(a)
    return sp.csr_matrix(
        (np.ones(2 * k), (np.concatenate([a, b]), np.concatenate([np.arange(k), np.arange(k)]))),
        shape=(n, k),
    )


def peer_lp(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray, cap: np.ndarray) -> PeerLP:
    """Fractional b-matching LP (0 <= x <= 1) and its duals."""
    if not len(a):
        return PeerLP(y=np.zeros(n), z=np.zeros(0), value=0.0)
    result = linprog(
        -w,
        A_ub=_incidence(n, a, b),
        b_ub=cap.astype(np.float64),
        bounds=(0.0, 1.0),
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"peer LP failed: {result.message}")
    y = np.maximum(-np.asarray(result.ineqlin.marginals), 0.0)
    z = np.maximum(-np.asarray(result.upper.marginals), 0.0)
    return PeerLP(y=y, z=z, value=float(-result.fun))


def peer_milp(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Chosen edges (boolean per edge) of a maximum-weight b-matching of the candidate graph."""
    if not len(a):
        return np.zeros(0, dtype=bool)
    result = milp(
        -w,
        constraints=LinearConstraint(_incidence(n, a, b), -np.inf, cap.astype(np.float64)),
        integrality=np.ones(len(w)),
        bounds=Bounds(0.0, 1.0),
        options={"mip_rel_gap": 0.0},
    )
    if result.status != 0 or result.x is None:
        raise RuntimeError(f"peer MILP failed: {result.message}")
    return np.asarray(result.x) > 0.5
