"""Why a pair was proposed, why someone was left out: structured facts.

Facts name people by person index and skills by skill column. The Django side
(`balik.matching.explain`) stores them with database keys and renders them as sentences with
gettext, e.g. "Rina can teach TikTok content strategy (level 3), which Pak Budi wants first".
The codes and their data keys are a contract with it; add codes and keys, never rename or drop
one.

Facts about a proposed pair (`Pair.reasons`, `evaluate_pairs`), in this order:

    code                   data keys
    locked                 broken_rules (list of Rule names; empty when the pair is allowed)
    teaches_skill          teacher, learner (people), skill (column), level (1-3, taught),
                           wanted_level (1-3), priority (1 = wanted first); at most two
    teaches_back           the same keys: the mentee teaching the mentor (reciprocal fit)
    hours_in_common        hours (float, a week, UTC half-hour slots shared / 2)
    shared_goals           words (list of normalised goal words both used), similarity (0-1)
    preference             asked_by (people), asked_for (people, same order)
    different_departments  (none)
    waiting_priority       person (who waited longest and got a bonus)
    best_available         score (only when no other fact applies)

Facts about a person left unmatched (`Unmatched.reason`); partner_role is "mentor",
"mentee" or "peer":

    code                   data keys
    no_eligible_mentor     partner_role, candidates (how many were considered),
    no_eligible_mentee     excluded_by ({rule name: how many partners that rule excluded};
    no_eligible_peer       a partner breaking two rules counts under both)
    below_min_score        partner_role, best_score, min_score, eligible (count or None)
    capacity_taken         partner_role, partner (the best allowed partner), best_score,
                           taken_by (people that partner was matched with instead); when the
                           best partner is unknown (too large to search): partner_role,
                           best_score and possibly exhaustive=False, without partner/taken_by
    matched_elsewhere      partner_role, partner (the best allowed partner), best_score,
                           partner_matched_with (person or None)
    not_shortlisted        partner_role, best_score (optional), exhaustive (optional, False
                           when the search was cut short)
    no_capacity            partner_role (a mentor with no free place after locked pairs)

Rule names (`Rule`): self, seniority, language, department, manager_chain, avoid, forbidden,
no_capacity.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from balik.matching import textsim
from balik.matching.eligibility import overlap_hours
from balik.matching.model import RULE_BITS, ReasonFact
from balik.matching.problem import TEACH_FACTOR, Problem, Side


def broken_rule_names(bits: int) -> tuple[str, ...]:
    return tuple(str(rule) for rule, bit in RULE_BITS.items() if bits & bit)


SkillFact = tuple[int, int, int, int, float]  # skill, teacher level, wanted level, priority, part


def top_skills(
    learner_side: Side,
    learners: np.ndarray,
    teacher_side: Side,
    teachers: np.ndarray,
    limit: int,
) -> list[list[SkillFact]]:
    """Per pair, the skills the teacher can teach the learner, best contribution first."""
    learners = np.asarray(learners, dtype=np.int64)
    teachers = np.asarray(teachers, dtype=np.int64)
    learn = learner_side.learn
    lengths = np.diff(learn.indptr)[learners]
    owner = np.repeat(np.arange(len(learners)), lengths)
    entry = np.repeat(learn.indptr[learners], lengths) + (
        np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    )
    skills = learn.indices[entry]
    level = teacher_side.teach_dense[teachers[owner], skills].astype(np.int64)
    taught = level > 0
    owner, entry, skills, level = owner[taught], entry[taught], skills[taught], level[taught]
    wanted = learn.data[entry].astype(np.int64)
    priority = learner_side.learn_priority.data[entry].astype(np.int64)
    part = (
        learner_side.learn_weight_dense[learners[owner], skills] * TEACH_FACTOR[level, wanted - 1]
    )
    order = np.lexsort((skills, priority, -part, owner))
    owner = owner[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    chosen = order[rank < limit]
    out: list[list[SkillFact]] = [[] for _ in range(len(learners))]
    for k, s_, t, w, p, x in zip(
        owner[rank < limit].tolist(),
        skills[chosen].tolist(),
        level[chosen].tolist(),
        wanted[chosen].tolist(),
        priority[chosen].tolist(),
        part[chosen].tolist(),
        strict=True,
    ):
        out[k].append((s_, t, w, p, x))
    return out


def pair_facts(
    problem: Problem,
    row: int,
    col: int,
    mentor_is_row: bool,
    components: np.ndarray,
    wanted_by: Mapping[int, set[int]],
    locked: bool,
    broken: tuple[str, ...],
    *,
    taught: list[SkillFact] | None = None,
    back: list[SkillFact] | None = None,
    hours: float | None = None,
) -> tuple[ReasonFact, ...]:
    """Facts for one pair; `taught`, `back` and `hours` may come precomputed (`top_skills`)."""
    rows, cols = problem.rows, problem.cols
    if mentor_is_row:
        mentor_side, mentor, mentee_side, mentee = rows, row, cols, col
    else:
        mentor_side, mentor, mentee_side, mentee = cols, col, rows, row
    if taught is None:
        taught = top_skills(mentee_side, np.array([mentee]), mentor_side, np.array([mentor]), 2)[0]
    if back is None:
        back = top_skills(mentor_side, np.array([mentor]), mentee_side, np.array([mentee]), 2)[0]
    if hours is None:
        hours = float(overlap_hours(rows.availability[row], cols.availability[col]))
    mentor_person = int(mentor_side.person[mentor])
    mentee_person = int(mentee_side.person[mentee])
    facts: list[ReasonFact] = []
    if locked:
        facts.append(ReasonFact("locked", {"broken_rules": list(broken)}))
    for skill, level, wanted, priority, _ in taught:
        facts.append(
            ReasonFact(
                "teaches_skill",
                {
                    "teacher": mentor_person,
                    "learner": mentee_person,
                    "skill": skill,
                    "level": level,
                    "wanted_level": wanted,
                    "priority": priority,
                },
            )
        )
    for skill, level, wanted, priority, _ in back:
        facts.append(
            ReasonFact(
                "teaches_back",
                {
                    "teacher": mentee_person,
                    "learner": mentor_person,
                    "skill": skill,
                    "level": level,
                    "wanted_level": wanted,
                    "priority": priority,
                },
            )
        )
    if hours > 0:
        facts.append(ReasonFact("hours_in_common", {"hours": hours}))
    words = textsim.shared_goal_words(
        mentee_side.goal_texts[mentee], mentor_side.goal_texts[mentor]
    )
    if words or components[3] >= 0.3:
        facts.append(
            ReasonFact(
                "shared_goals", {"words": words, "similarity": round(float(components[3]), 3)}
            )
        )
    askers = [
        person
        for person, other in ((mentee_person, mentor_person), (mentor_person, mentee_person))
        if other in wanted_by.get(person, set())
    ]
    if askers:
        other = {mentee_person: mentor_person, mentor_person: mentee_person}
        facts.append(
            ReasonFact("preference", {"asked_by": askers, "asked_for": [other[a] for a in askers]})
        )
    if components[5] > 0 and problem.weights[5] > 0:
        facts.append(ReasonFact("different_departments", {}))
    waiting = [
        int(side.person[index])
        for side, index in ((rows, row), (cols, col))
        if side.bonus[index] > 0
    ]
    for person in dict.fromkeys(waiting):
        facts.append(ReasonFact("waiting_priority", {"person": person}))
    if not facts:
        facts.append(
            ReasonFact("best_available", {"score": round(float(components @ problem.weights), 3)})
        )
    return tuple(facts)
