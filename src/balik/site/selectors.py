"""What the home page shows each role: figures and the next things to do."""

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from balik.accounts.models import User
from balik.mentorships.models import Mentorship
from balik.people.models import Person, PersonSkill, Skill, SkillDirection
from balik.programs.models import Program, ProgramStatus
from balik.site.next_steps import (
    managed_programmes,
    participant_steps,
    participation,
    programme_rows,
)

TOP_SKILLS = 8


def profile_checklist(person: Person | None) -> list[dict[str, object]]:
    """The parts of a profile that matching relies on, each done or not."""
    if person is None:
        return []
    counts = PersonSkill.objects.filter(person=person).aggregate(
        teach=Count("id", filter=Q(direction=SkillDirection.TEACH)),
        learn=Count("id", filter=Q(direction=SkillDirection.LEARN)),
    )
    return [
        {"key": "teach", "done": counts["teach"] > 0},
        {"key": "learn", "done": counts["learn"] > 0},
        {"key": "availability", "done": person.availability.exists()},
        {"key": "languages", "done": bool(person.languages)},
        {"key": "bio", "done": bool(person.bio.strip())},
    ]


def skill_balance(limit: int = TOP_SKILLS) -> list[dict[str, object]]:
    """Most wanted skills beside how many colleagues can teach them: where mentors are short."""
    rows = (
        Skill.objects.annotate(
            wanted=Count("holders", filter=Q(holders__direction=SkillDirection.LEARN)),
            teachers=Count("holders", filter=Q(holders__direction=SkillDirection.TEACH)),
        )
        .filter(wanted__gt=0)
        .order_by("-wanted", "name_en")[:limit]
    )
    return [{"skill": skill, "wanted": skill.wanted, "teachers": skill.teachers} for skill in rows]


def home_overview(user: User, *, now: datetime | None = None) -> dict[str, object]:
    now = now or timezone.now()
    person = Person.objects.filter(user=user).first()
    checklist = profile_checklist(person)
    context: dict[str, object] = {
        "person": person,
        "checklist": checklist,
        "profile_done": sum(1 for item in checklist if item["done"]),
        "profile_total": len(checklist),
        "next_steps": [],
        "my_programmes": [],
        "manager_programmes": managed_programmes(user, now),
    }
    if person is not None:
        seen = participation(person, now)
        context.update(
            next_steps=participant_steps(seen),
            my_programmes=programme_rows(seen),
            my_mentorships=seen.mentorships[:HOME_PROGRAMMES],
            open_programmes=list(
                Program.objects.filter(enrolment_open=True, status=ProgramStatus.ENROLLING)
                .exclude(enrolments__person=person)
                .order_by("-created_at")[:HOME_PROGRAMMES]
            ),
        )
    if user.is_org_admin:
        totals = Person.objects.aggregate(
            people=Count("id"),
            departments=Count("department", distinct=True),
            without_manager=Count("id", filter=Q(manager__isnull=True)),
        )
        context.update(
            totals=totals,
            people_without_skills=Person.objects.filter(skills__isnull=True).count(),
            accounts_never_used=User.objects.filter(last_login__isnull=True).count(),
        )
    if user.is_org_admin or user.is_program_manager:
        context["skill_balance"] = skill_balance()
    return context


HOME_PROGRAMMES = 6


def my_mentorships(user: User, *, now: datetime | None = None) -> dict[str, object]:
    """ "My mentorships": every pair the user belongs to (closed ones too), the requests they
    wait on or must answer, and each programme they are enrolled in but not yet matched in,
    with what happens next."""
    now = now or timezone.now()
    mentorships = list(
        Mentorship.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))
        .select_related("program", "mentor", "mentee")
        .order_by("status", "-created_at")
    )
    person = Person.objects.filter(user=user).first()
    if person is None:
        return {"mentorships": mentorships, "waiting": [], "to_answer": []}
    seen = participation(person, now)
    return {
        "mentorships": mentorships,
        "waiting": [row for row in programme_rows(seen) if not row.mentorships],
        "to_answer": seen.to_answer,
    }
