"""Hard rules, vectorised: seniority by kind, management chain, language, department.

The management chain is tested with Euler-tour intervals: a is up b's chain exactly when
tin[a] <= tin[b] < tout[a]. `euler_tour` builds them from a parent array; `ancestor_pairs`
lists, for many people at once, who among a candidate set is up their chain.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from balik.matching.model import AVAILABILITY_WORDS, SLOTS_PER_WEEK, Kind


def euler_tour(parent: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """tin, tout, depth for a forest given as parent indices (-1 for a root).

    Children are visited in index order, so the result is deterministic. Raises on a cycle.
    """
    parents = np.asarray(parent, dtype=np.int64)
    n = len(parents)
    if n and (parents.min() < -1 or parents.max() >= n):
        raise ValueError("parent must hold indices 0..n-1 or -1")
    order = np.argsort(parents, kind="stable")
    sorted_parents = parents[order]
    first_child = np.searchsorted(sorted_parents, np.arange(n), side="left")
    last_child = np.searchsorted(sorted_parents, np.arange(n), side="right")
    tin = np.full(n, -1, dtype=np.int64)
    tout = np.full(n, -1, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    clock = 0
    roots = order[: np.searchsorted(sorted_parents, 0)]
    for root in roots.tolist():
        stack = [(root, 0)]
        tin[root] = clock
        clock += 1
        while stack:
            node, position = stack[-1]
            start = int(first_child[node]) + position
            if start < last_child[node]:
                child = int(order[start])
                stack[-1] = (node, position + 1)
                tin[child] = clock
                depth[child] = depth[node] + 1
                clock += 1
                stack.append((child, 0))
            else:
                tout[node] = clock
                stack.pop()
    if np.any(tin < 0):
        raise ValueError("the manager relation has a cycle")
    return tin, tout, depth


def ancestor_pairs(
    query_tin: np.ndarray,
    query_depth: np.ndarray,
    cand_tin: np.ndarray,
    cand_tout: np.ndarray,
    cand_depth: np.ndarray,
    max_depth: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    """(query position, candidate position) for every candidate up a query's chain.

    Intervals at one depth are disjoint, so per depth one binary search per query finds the
    only candidate that can contain it.
    """
    found_q: list[np.ndarray] = []
    found_c: list[np.ndarray] = []
    for level in np.unique(cand_depth).tolist():
        at_level = np.flatnonzero(cand_depth == level)
        order = at_level[np.argsort(cand_tin[at_level], kind="stable")]
        starts = cand_tin[order]
        queries = np.flatnonzero(query_depth > level)
        if max_depth is not None:
            queries = queries[query_depth[queries] - level <= max_depth]
        if not queries.size:
            continue
        slot = np.searchsorted(starts, query_tin[queries], side="right") - 1
        ok = slot >= 0
        queries, slot = queries[ok], slot[ok]
        inside = cand_tout[order[slot]] > query_tin[queries]
        found_q.append(queries[inside])
        found_c.append(order[slot[inside]])
    if not found_q:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(found_q), np.concatenate(found_c)


def seniority_fails(
    kind: Kind, gap: int, mentee_level: np.ndarray, mentor_level: np.ndarray
) -> np.ndarray:
    difference = mentor_level.astype(np.int64) - mentee_level.astype(np.int64)
    if kind is Kind.REVERSE:
        return difference > -gap  # the mentor must be junior by at least gap
    if kind is Kind.PEER:
        return np.abs(difference) > gap
    return difference < gap  # flipped, classic: the mentor is senior by at least gap


def pack_slots(slot_lists: Sequence[Sequence[int]]) -> np.ndarray:
    """(n, 6) uint64 bitsets from lists of half-hour slots (0 = Monday 00:00-00:30 UTC)."""
    out = np.zeros((len(slot_lists), AVAILABILITY_WORDS), dtype=np.uint64)
    for row, slots in enumerate(slot_lists):
        for slot in slots:
            if not 0 <= slot < SLOTS_PER_WEEK:
                raise ValueError(f"slot {slot} is outside the week (0..{SLOTS_PER_WEEK - 1})")
            out[row, slot // 64] |= np.uint64(1) << np.uint64(slot % 64)
    return out


def weekly_slots(weekday: int, start_minute: int, end_minute: int, utc_offset_minutes: int) -> list:
    """Half-hour UTC slots covered by a local weekly range (wraps around the week)."""
    if not 0 <= weekday < 7 or not 0 <= start_minute < end_minute <= 24 * 60:
        raise ValueError("weekday 0..6 and 0 <= start < end <= 1440 minutes")
    start = weekday * 24 * 60 + start_minute - utc_offset_minutes
    end = weekday * 24 * 60 + end_minute - utc_offset_minutes
    first = -(-start // 30)  # only whole half hours count
    last = end // 30
    week = SLOTS_PER_WEEK
    return sorted({slot % week for slot in range(first, last)})


def overlap_hours(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hours in common per row pair of two (k, 6) uint64 bitsets."""
    return np.bitwise_count(a & b).sum(axis=-1) / 2.0
