"""Why a pair was proposed, why someone was left out: structured facts, and sentences.

Facts name people by person index and skills by skill column; `render_reason` turns one fact
into a short sentence in English ("en") or Indonesian ("id") with the names the caller
passes (a sequence, a mapping or a function), e.g.

    Rina can teach TikTok content strategy (level 3), which Pak Budi wants first
    Rina dapat mengajarkan strategi konten TikTok (level 3), yang paling ingin dipelajari Pak Budi

The codes and their data keys are a contract with the Django side (which renders them with
gettext); add codes and keys, never rename or drop one.

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

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from balik.matching import textsim
from balik.matching.eligibility import overlap_hours
from balik.matching.model import RULE_BITS, ReasonFact, Rule
from balik.matching.problem import TEACH_FACTOR, Problem, Side

Names = Sequence[str] | Mapping[int, str] | Callable[[int], str] | None

RULE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        Rule.SELF: "same person",
        Rule.SENIORITY: "seniority rule",
        Rule.LANGUAGE: "no shared language",
        Rule.DEPARTMENT: "same department",
        Rule.MANAGER_CHAIN: "management chain",
        Rule.AVOID: "asked to avoid",
        Rule.FORBIDDEN: "forbidden by the manager",
        Rule.NO_CAPACITY: "no free place",
    },
    "id": {
        Rule.SELF: "orang yang sama",
        Rule.SENIORITY: "aturan senioritas",
        Rule.LANGUAGE: "tidak ada bahasa yang sama",
        Rule.DEPARTMENT: "departemen yang sama",
        Rule.MANAGER_CHAIN: "rantai atasan",
        Rule.AVOID: "diminta untuk dihindari",
        Rule.FORBIDDEN: "dilarang oleh pengelola",
        Rule.NO_CAPACITY: "tidak ada tempat kosong",
    },
}

ROLE_WORDS = {
    "en": {"mentor": "mentor", "mentee": "mentee", "peer": "peer"},
    "id": {"mentor": "mentor", "mentee": "mentee", "peer": "rekan"},
}


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


# --- sentences -------------------------------------------------------------------------------


def _name(names: Names, index: Any) -> str:
    if names is None:
        return f"#{index}"
    if callable(names):
        return str(names(index))
    try:
        return str(names[index])  # type: ignore[index]
    except (KeyError, IndexError):
        return f"#{index}"


def _number(value: float, language: str) -> str:
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",") if language == "id" else text


def _score(value: float, language: str) -> str:
    text = f"{np.floor(value * 100 + 1e-9) / 100:.2f}"
    return text.replace(".", ",") if language == "id" else text


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    word = " dan " if language == "id" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def _counts(excluded: Mapping[str, int], language: str) -> str:
    labels = RULE_LABELS[language]
    parts = []
    for rule, count in sorted(excluded.items(), key=lambda item: (-item[1], item[0])):
        if count:
            label = labels.get(Rule(rule), rule) if rule in Rule.__members__.values() else rule
            parts.append(f"{label} {count}")
    return ", ".join(parts)


def render_reason(
    fact: ReasonFact,
    language: str = "en",
    *,
    names: Names = None,
    skill_names: Names = None,
) -> str:
    """One sentence for a fact, in "en" or "id". Unknown codes render as the code."""
    lang = "id" if language.lower().startswith("id") else "en"
    d = fact.data
    code = fact.code
    person = lambda key: _name(names, d[key])  # noqa: E731
    if code in ("teaches_skill", "teaches_back"):
        skill = _name(skill_names, d["skill"])
        teacher, learner = person("teacher"), person("learner")
        level = d["level"]
        if code == "teaches_back":
            if lang == "id":
                return f"{teacher} dapat mengajarkan balik {skill} (level {level})"
            return f"{teacher} can teach {skill} back (level {level})"
        first = d.get("priority", 1) == 1
        if lang == "id":
            tail = (
                f"yang paling ingin dipelajari {learner}"
                if first
                else f"pilihan ke-{d['priority']} yang ingin dipelajari {learner}"
            )
            return f"{teacher} dapat mengajarkan {skill} (level {level}), {tail}"
        tail = (
            f"which {learner} wants first"
            if first
            else f"which {learner} wants to learn (choice {d['priority']})"
        )
        return f"{teacher} can teach {skill} (level {level}), {tail}"
    if code == "hours_in_common":
        hours = _number(float(d["hours"]), lang)
        if lang == "id":
            return f"{hours} jam seminggu waktu luang bersama"
        return f"{hours} h a week in common"
    if code == "shared_goals":
        words = ", ".join(d.get("words", []))
        if lang == "id":
            return f"tujuan yang mirip ({words})" if words else "tujuan yang mirip"
        return f"similar goals ({words})" if words else "similar goals"
    if code == "preference":
        askers = [_name(names, p) for p in d["asked_by"]]
        wanted = [_name(names, p) for p in d["asked_for"]]
        if len(askers) == 2:
            if lang == "id":
                return f"{askers[0]} dan {askers[1]} saling meminta dipasangkan"
            return f"{askers[0]} and {askers[1]} asked for each other"
        if lang == "id":
            return f"{askers[0]} meminta dipasangkan dengan {wanted[0]}"
        return f"{askers[0]} asked to be paired with {wanted[0]}"
    if code == "different_departments":
        return "dari departemen yang berbeda" if lang == "id" else "from different departments"
    if code == "waiting_priority":
        who = person("person")
        if lang == "id":
            return f"{who} sudah menunggu paling lama dan diprioritaskan"
        return f"{who} has waited longest and gets priority"
    if code == "locked":
        broken = [RULE_LABELS[lang].get(Rule(r), r) for r in d.get("broken_rules", [])]
        if lang == "id":
            base = "dikunci oleh pengelola program"
            return f"{base} meskipun melanggar: {_join(broken, lang)}" if broken else base
        base = "locked by the programme manager"
        return f"{base} despite: {_join(broken, lang)}" if broken else base
    if code == "best_available":
        score = _score(float(d["score"]), lang)
        if lang == "id":
            return f"pasangan terbaik yang tersedia (skor {score})"
        return f"the best pair available (score {score})"
    role = ROLE_WORDS[lang].get(d.get("partner_role", ""), d.get("partner_role", ""))
    if code.startswith("no_eligible_"):
        counts = _counts(d.get("excluded_by", {}), lang)
        total = d.get("candidates", 0)
        if lang == "id":
            text = f"Tidak ada {role} yang memenuhi syarat dari {total} kandidat"
            return f"{text}: {counts}" if counts else text
        text = f"No eligible {role} among {total} candidates"
        return f"{text}: {counts}" if counts else text
    if code == "below_min_score":
        best, minimum = _score(float(d["best_score"]), lang), _score(float(d["min_score"]), lang)
        if lang == "id":
            return (
                f"Skor {role} terbaik yang memenuhi syarat hanya {best}, di bawah minimum {minimum}"
            )
        return f"The best eligible {role} scores {best}, below the minimum of {minimum}"
    if code == "capacity_taken":
        partner = person("partner")
        best = _score(float(d["best_score"]), lang)
        if lang == "id":
            return (
                f"{partner}, pasangan terbaik (skor {best}), sudah penuh oleh pasangan "
                "dengan skor total lebih tinggi"
            )
        return f"{partner}, the best match (score {best}), is taken by higher-scoring pairs"
    if code == "matched_elsewhere":
        partner = person("partner")
        best = _score(float(d["best_score"]), lang)
        if lang == "id":
            return (
                f"Setiap {role} yang cocok mendapat pasangan yang lebih baik "
                f"(terbaik: {partner}, skor {best})"
            )
        return f"Every {role} who fits has a better match (best: {partner}, score {best})"
    if code == "not_shortlisted":
        if lang == "id":
            return f"Tidak masuk daftar pilihan terbaik {role} mana pun"
        return f"Not among any {role}'s best options"
    if code == "no_capacity":
        return "Tidak ada tempat kosong" if lang == "id" else "No free place"
    return code
