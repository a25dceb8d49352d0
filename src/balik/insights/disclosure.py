"""What may be shown of anonymous answers without giving away anyone's: filtered figures and
the labels on exported rows.

Pure: NumPy and the standard library, no Django.

The threat is subtraction. A figure over fewer than MIN_GROUP people is never shown, but two
figures that are (mentors: 10 people; Millennial mentors: 6) subtract to the answers of the
other 4, and so do the whole programme minus two departments' figures when a third department
is small. So a filtered figure is shown only when it belongs to the *shown family*, built once
from the data alone (never from what a manager asked before), in a fixed order:

1. the whole group, when it has at least MIN_GROUP people;
2. then groups with one filter, then with two, and so on; within a level the larger groups
   first. A group is a candidate only when every group with one filter fewer is shown
   (a subgroup of a hidden group stays hidden);
3. a candidate joins the family when, after it joins, the people that no combination of the
   family's groups can tell apart (its *atoms*: the people with the same membership in every
   shown group) still number 0 or at least MIN_GROUP in each atom.

Any sum or difference of shown figures is a weighted sum over atoms, so it never isolates
fewer than MIN_GROUP people. In particular a group and the rest of its parent both have at
least MIN_GROUP people (or the rest is empty, and the two figures are the same).

Exports label rows instead: `coarsen_labels` blanks a label (a period, a side, a department)
wherever fewer than MIN_GROUP people share it, and blanks more of them when the blank ones
would otherwise be a small group of their own.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np

MIN_GROUP = 5
ANY = ""  # a dimension left open in a view


class Verdict(Enum):
    SHOWN = "shown"
    TOO_FEW = "too_few"  # the group itself has fewer than MIN_GROUP people
    SUBTRACTION = "subtraction"  # shown, it would let other views be subtracted to a few


@dataclass(frozen=True)
class Member:
    """People who share every label: `labels[d]` are the values this person counts under in
    dimension d (usually one; someone on both sides of a programme counts under both; none
    when unknown, such as a missing birth year)."""

    labels: tuple[frozenset[str], ...]
    count: int = 1


class ShownFamily:
    """The filtered views of one population that may be shown (see the module docstring)."""

    def __init__(self, members: Iterable[Member], dimensions: int, minimum: int = MIN_GROUP):
        members = [member for member in members if member.count > 0]
        self.dimensions = dimensions
        self.minimum = minimum
        self.counts = np.array([member.count for member in members], dtype=np.int64)
        self.total = int(self.counts.sum())
        # dimension -> value -> which members count under it
        self._member_of: list[dict[str, np.ndarray]] = []
        for dimension in range(dimensions):
            values = sorted({value for member in members for value in member.labels[dimension]})
            self._member_of.append(
                {
                    value: np.array(
                        [value in member.labels[dimension] for member in members], dtype=bool
                    )
                    for value in values
                }
            )
        self._atoms = np.zeros(len(members), dtype=np.int64)
        self._decided: dict[tuple[str, ...], bool] = {}
        self._level_done = -1

    def size(self, view: Sequence[str]) -> int:
        """How many people the view counts."""
        mask = self._mask(view)
        return 0 if mask is None else int(self.counts[mask].sum())

    def verdict(self, view: Sequence[str]) -> Verdict:
        """Whether the view's figures may be shown; `view[d]` is a value or ANY."""
        view = tuple(view)
        if len(view) != self.dimensions:
            raise ValueError(f"a view has {self.dimensions} dimensions, not {len(view)}")
        if self.size(view) < self.minimum:
            return Verdict.TOO_FEW
        level = sum(value != ANY for value in view)
        while self._level_done < level:
            self._decide_level(self._level_done + 1)
        return Verdict.SHOWN if self._decided.get(view) else Verdict.SUBTRACTION

    def shown(self, view: Sequence[str]) -> bool:
        return self.verdict(view) is Verdict.SHOWN

    # --- building the family, a level at a time --------------------------------------------------

    def _mask(self, view: Sequence[str]) -> np.ndarray | None:
        mask = np.ones(len(self.counts), dtype=bool)
        for dimension, value in enumerate(view):
            if value == ANY:
                continue
            column = self._member_of[dimension].get(value)
            if column is None:
                return None
            mask &= column
        return mask

    def _candidates(self, level: int) -> list[tuple[str, ...]]:
        if level == 0:
            return [(ANY,) * self.dimensions]
        parents = [view for view, shown in self._decided.items() if shown]
        parents = [view for view in parents if sum(v != ANY for v in view) == level - 1]
        found = set()
        for parent in parents:
            for dimension in range(self.dimensions):
                if parent[dimension] != ANY:
                    continue
                for value in self._member_of[dimension]:
                    view = (*parent[:dimension], value, *parent[dimension + 1 :])
                    if all(self._decided.get(p) for p in _parents(view)):
                        found.add(view)
        return list(found)

    def _decide_level(self, level: int) -> None:
        sized = [(self.size(view), view) for view in self._candidates(level)]
        sized.sort(key=lambda item: (-item[0], item[1]))
        for size, view in sized:
            self._decided[view] = size >= self.minimum and self._split(view)
        self._level_done = level

    def _split(self, view: tuple[str, ...]) -> bool:
        """Add the view to the family when every atom it cuts keeps 0 or MIN_GROUP people on
        each side of the cut; says whether it did."""
        mask = self._mask(view)
        if mask is None:
            return False
        atoms = int(self._atoms.max()) + 1 if len(self._atoms) else 0
        inside = np.bincount(self._atoms[mask], weights=self.counts[mask], minlength=atoms)
        whole = np.bincount(self._atoms, weights=self.counts, minlength=atoms)
        outside = whole - inside
        safe = ((inside == 0) | (inside >= self.minimum)) & (
            (outside == 0) | (outside >= self.minimum)
        )
        if not safe.all():
            return False
        _, self._atoms = np.unique(self._atoms * 2 + mask, return_inverse=True)
        return True


def _parents(view: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [
        (*view[:dimension], ANY, *view[dimension + 1 :])
        for dimension, value in enumerate(view)
        if value != ANY
    ]


# --- exports -------------------------------------------------------------------------------


def coarsen_labels(
    rows: Sequence[tuple[Hashable, Sequence[str]]], minimum: int = MIN_GROUP
) -> list[tuple[str, ...]] | None:
    """Labels for exported rows such that every combination of labels that appears is shared
    by at least `minimum` people. `rows` are (person, labels), labels in order of importance;
    a person may have several rows. Returns the kept labels row by row (ANY where blanked), or
    None when the rows come from fewer than `minimum` people and nothing may be exported.

    Column by column, within each group the columns before have made: a value shared by
    fewer than `minimum` people is blanked; when the blanked rows then come from 1 to
    `minimum - 1` people, the least shared values left are blanked too, until they do not.
    """
    if len({person for person, _labels in rows}) < minimum:
        return None
    columns = len(rows[0][1]) if rows else 0
    kept: list[list[str]] = [[ANY] * columns for _ in rows]
    groups: list[list[int]] = [list(range(len(rows)))]
    for column in range(columns):
        next_groups: list[list[int]] = []
        for group in groups:
            by_value: dict[str, list[int]] = {}
            for index in group:
                by_value.setdefault(rows[index][1][column], []).append(index)
            people = {
                value: {rows[index][0] for index in indexes} for value, indexes in by_value.items()
            }
            labelled = sorted(
                (value for value in by_value if value != ANY and len(people[value]) >= minimum),
                key=lambda value: (len(people[value]), value),
            )
            blank = set().union(*(people[v] for v in by_value if v not in labelled))
            while blank and len(blank) < minimum and labelled:
                blank |= people[labelled.pop(0)]
            for value in labelled:
                for index in by_value[value]:
                    kept[index][column] = value
                next_groups.append(by_value[value])
            blanked = [
                index for value in by_value if value not in labelled for index in by_value[value]
            ]
            if blanked:
                next_groups.append(blanked)
        groups = next_groups
    return [tuple(labels) for labels in kept]
