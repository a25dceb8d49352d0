"""Reason facts from the engine, stored with database keys, rendered in the reader's language.

The engine names people and skills by array position; `stored_fact` swaps those for primary
keys so a stored proposal stays readable after people or skills change, and `Explainer` renders
each fact with gettext, looking names up in bulk (one query for people, one for skills).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from balik.matching.engine import ReasonFact, Rule
from balik.people.models import Person, Skill

PERSON_KEYS = ("teacher", "learner", "person", "partner")
PERSON_LIST_KEYS = ("asked_by", "asked_for")
SKILL_KEYS = ("skill",)


def stored_fact(fact: ReasonFact, person_ids: Sequence[int], skill_ids: Sequence[int]) -> dict:
    data: dict[str, Any] = {"code": fact.code}
    for key, value in dict(fact.data).items():
        if key in PERSON_KEYS and value is not None:
            data[key] = person_ids[int(value)]
        elif key in PERSON_LIST_KEYS:
            data[key] = [person_ids[int(v)] for v in value]
        elif key in SKILL_KEYS and value is not None:
            data[key] = skill_ids[int(value)]
        elif hasattr(value, "item"):
            data[key] = value.item()
        elif isinstance(value, Mapping):
            data[key] = {str(k): (v.item() if hasattr(v, "item") else v) for k, v in value.items()}
        elif isinstance(value, list | tuple):
            data[key] = [v.item() if hasattr(v, "item") else v for v in value]
        else:
            data[key] = value
    return data


def rule_label(rule: str) -> str:
    labels = {
        Rule.SELF: _("the same person"),
        Rule.SENIORITY: _("the seniority rule"),
        Rule.LANGUAGE: _("no shared language"),
        Rule.DEPARTMENT: _("the same department"),
        Rule.MANAGER_CHAIN: _("the management chain"),
        Rule.AVOID: _("asked to avoid"),
        Rule.FORBIDDEN: _("forbidden by a manager"),
        Rule.NO_CAPACITY: _("no free place"),
        "below_min_score": _("below the minimum score"),
        "not_a_mentor": _("not enrolled as a mentor"),
        "not_a_mentee": _("not enrolled as a mentee"),
    }
    # a rule added to the engine without a name here still never shows its code to a reader
    return str(labels.get(rule, _("another rule of the programme")))


def component_label(name: str) -> str:
    labels = {
        "skill_fit": _("Skill fit"),
        "reciprocal_fit": _("Learning back"),
        "availability": _("Time in common"),
        "goal_similarity": _("Similar goals"),
        "preference": _("Asked for"),
        "department_diversity": _("Different departments"),
    }
    return str(labels.get(name, name))


def score_in_words(
    score: float, components: Mapping[str, float], *, reader: str = "manager"
) -> str:
    """'0.44: strong skill fit, learning goes both ways, no common free time': what a score is
    made of, for the manager (`reader="manager"`) or for the mentee choosing (`"mentee"`)."""
    parts: list[str] = []
    skill = float(components.get("skill_fit", 0))
    if skill >= 0.6:
        parts.append(_("strong skill fit"))
    elif skill >= 0.25:
        parts.append(_("some skill fit"))
    else:
        parts.append(_("little skill fit"))
    if float(components.get("reciprocal_fit", 0)) > 0:
        parts.append(
            _("you can teach them back one of their wishes")
            if reader == "mentee"
            else _("learning goes both ways")
        )
    availability = float(components.get("availability", 0))
    if availability <= 0:
        parts.append(_("no common free time"))
    elif availability >= 0.5:
        parts.append(_("plenty of common free time"))
    else:
        parts.append(_("some common free time"))
    if float(components.get("goal_similarity", 0)) >= 0.3:
        parts.append(_("similar goals"))
    if float(components.get("preference", 0)) > 0:
        parts.append(_("one asked for the other"))
    if float(components.get("department_diversity", 0)) > 0:
        parts.append(_("from different departments"))
    return _("%(score)s: %(parts)s") % {"score": _score(score), "parts": ", ".join(parts)}


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _score(value: float) -> str:
    return number_format(float(value), decimal_pos=2)


def _hours(value: float) -> str:
    text = number_format(float(value), decimal_pos=1)
    return text[:-2] if text[-2:] in (".0", ",0") else text


class Explainer:
    """Renders stored facts; collect every fact first so names load in two queries."""

    def __init__(self, facts: Iterable[Mapping[str, Any]]) -> None:
        person_ids: set[int] = set()
        skill_ids: set[int] = set()
        for fact in facts:
            for key in PERSON_KEYS:
                if fact.get(key) is not None:
                    person_ids.add(fact[key])
            for key in PERSON_LIST_KEYS:
                person_ids.update(fact.get(key, ()))
            for key in SKILL_KEYS:
                if fact.get(key) is not None:
                    skill_ids.add(fact[key])
        self.people = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "full_name"))
        indonesian = (get_language() or "en").startswith("id")
        self.skills = {
            pk: (name_id if indonesian else name_en) or name_en
            for pk, name_en, name_id in Skill.objects.filter(pk__in=skill_ids).values_list(
                "pk", "name_en", "name_id"
            )
        }

    def person(self, pk: int | None) -> str:
        return self.people.get(pk, _("someone who left")) if pk is not None else ""

    def skill(self, pk: int | None) -> str:
        return self.skills.get(pk, _("a skill")) if pk is not None else ""

    def to_mentee(self, fact: Mapping[str, Any], mentee: int) -> str:
        """A fact about a suggested mentor, said to the mentee `mentee` (a person's key)."""
        code = fact.get("code", "")
        values = {"skill": self.skill(fact.get("skill")), "level": fact.get("level", 1)}
        if code == "teaches_skill" and fact.get("learner") == mentee:
            if fact.get("priority", 1) == 1:
                return _("They can teach %(skill)s (level %(level)s), which you want first") % (
                    values
                )
            return _(
                "They can teach %(skill)s (level %(level)s), which you want to learn "
                "(your choice %(choice)s)"
            ) % {**values, "choice": fact.get("priority", 1)}
        if code == "teaches_back" and fact.get("teacher") == mentee:
            return _("You can teach them %(skill)s back") % values
        if code == "hours_in_common":
            return _("%(hours)s h a week when you are both free") % {
                "hours": _hours(fact.get("hours", 0))
            }
        if code == "shared_goals":
            words = fact.get("words") or []
            if words:
                return _("Your goals are alike (%(words)s)") % {"words": ", ".join(words)}
            return _("Your goals are alike")
        if code == "preference":
            if mentee in fact.get("asked_by", []) and len(fact.get("asked_by", [])) == 2:
                return _("You asked for each other")
            if mentee in fact.get("asked_by", []):
                return _("You asked to be paired with them")
            return _("They asked to be paired with you")
        if code == "different_departments":
            return _("They work in another department")
        return self.render(fact)

    def render(self, fact: Mapping[str, Any]) -> str:
        code = fact.get("code", "")
        if code == "teaches_skill":
            values = {
                "teacher": self.person(fact.get("teacher")),
                "learner": self.person(fact.get("learner")),
                "skill": self.skill(fact.get("skill")),
                "level": fact.get("level", 1),
                "choice": fact.get("priority", 1),
            }
            if fact.get("priority", 1) == 1:
                return (
                    _(
                        "%(teacher)s can teach %(skill)s (level %(level)s), which %(learner)s "
                        "wants first"
                    )
                    % values
                )
            return (
                _(
                    "%(teacher)s can teach %(skill)s (level %(level)s), which %(learner)s wants "
                    "to learn (choice %(choice)s)"
                )
                % values
            )
        if code == "teaches_back":
            return _("%(teacher)s can teach %(skill)s back (level %(level)s)") % {
                "teacher": self.person(fact.get("teacher")),
                "skill": self.skill(fact.get("skill")),
                "level": fact.get("level", 1),
            }
        if code == "hours_in_common":
            return _("%(hours)s h a week in common") % {"hours": _hours(fact.get("hours", 0))}
        if code == "shared_goals":
            words = fact.get("words") or []
            if words:
                return _("similar goals (%(words)s)") % {"words": ", ".join(words)}
            return _("similar goals")
        if code == "preference":
            askers = [self.person(p) for p in fact.get("asked_by", [])]
            wanted = [self.person(p) for p in fact.get("asked_for", [])]
            if len(askers) == 2:
                return _("%(a)s and %(b)s asked for each other") % {"a": askers[0], "b": askers[1]}
            return _("%(a)s asked to be paired with %(b)s") % {
                "a": askers[0] if askers else "",
                "b": wanted[0] if wanted else "",
            }
        if code == "different_departments":
            return _("from different departments")
        if code == "waiting_priority":
            return _("%(name)s has waited longest and gets priority") % {
                "name": self.person(fact.get("person"))
            }
        if code == "locked":
            # a reason for the match, read by the two people too: the rules the manager chose
            # to set aside are the manager's business and stay on the review page
            return _("paired by the programme manager")
        if code == "best_available":
            return _("the best pair available (score %(score)s)") % {
                "score": _score(fact.get("score", 0))
            }
        role = self.role(fact.get("partner_role", ""))
        if code.startswith("no_eligible"):
            counts = fact.get("excluded_by") or {}
            total = fact.get("candidates", 0)
            parts = [
                ngettext("%(rule)s: %(n)d", "%(rule)s: %(n)d", count)
                % {"rule": rule_label(rule), "n": count}
                for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                if count
            ]
            text = ngettext(
                "No eligible %(role)s among %(n)d candidate",
                "No eligible %(role)s among %(n)d candidates",
                total,
            ) % {"role": role, "n": total}
            return f"{text} ({'; '.join(parts)})" if parts else text
        if code == "below_min_score":
            return _(
                "The best eligible %(role)s scores %(best)s, below the programme's minimum of "
                "%(minimum)s"
            ) % {
                "role": role,
                "best": _score(fact.get("best_score", 0)),
                "minimum": _score(fact.get("min_score", 0)),
            }
        if code == "capacity_taken":
            return _(
                "%(partner)s, the best match (score %(score)s), is taken by pairs that score "
                "higher in total"
            ) % {
                "partner": self.person(fact.get("partner")),
                "score": _score(fact.get("best_score", 0)),
            }
        if code == "matched_elsewhere":
            return _(
                "Every %(role)s who fits has a better match (the best: %(partner)s, score "
                "%(score)s)"
            ) % {
                "role": role,
                "partner": self.person(fact.get("partner")),
                "score": _score(fact.get("best_score", 0)),
            }
        if code == "not_shortlisted":
            return _("Not among any %(role)s's best options") % {"role": role}
        if code == "no_capacity":
            return _("No free place")
        if code == "already_paired":
            return _("Already in a mentorship in this programme")
        return str(code)

    @staticmethod
    def role(name: str) -> str:
        return str(
            {"mentor": _("mentor"), "mentee": _("mentee"), "peer": _("peer")}.get(name, name)
        )


def reason_sentences(facts: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each fact as a sentence in the active language (a mentorship page's "why this match")."""
    explainer = Explainer(facts)
    return [explainer.render(fact) for fact in facts]
