"""What the home page shows each role: figures and the next things to do."""

from django.db.models import Count, Q

from balik.accounts.models import User
from balik.matching.models import MatchRequest, RequestStatus
from balik.mentorships.models import Mentorship, MentorshipStatus
from balik.people.models import Person, PersonSkill, Skill, SkillDirection
from balik.programs.models import EnrolmentStatus, Program, ProgramStatus

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


def home_overview(user: User) -> dict[str, object]:
    person = Person.objects.filter(user=user).first()
    checklist = profile_checklist(person)
    context: dict[str, object] = {
        "person": person,
        "checklist": checklist,
        "profile_done": sum(1 for item in checklist if item["done"]),
        "profile_total": len(checklist),
    }
    context.update(programme_steps(user, person))
    if user.is_org_admin or user.is_program_manager:
        totals = Person.objects.aggregate(
            people=Count("id"),
            departments=Count("department", distinct=True),
            without_manager=Count("id", filter=Q(manager__isnull=True)),
        )
        context.update(
            totals=totals,
            people_without_skills=Person.objects.filter(skills__isnull=True).count(),
            accounts_never_used=User.objects.filter(last_login__isnull=True).count(),
            skill_balance=skill_balance(),
        )
    return context


HOME_PROGRAMMES = 6


def programme_steps(user: User, person: Person | None) -> dict[str, object]:
    """Programmes on the home page: what a manager should do next in each, what a participant
    is in (and may still join), and requests waiting for a mentor's answer."""
    steps: dict[str, object] = {}
    if user.is_org_admin or user.is_program_manager:
        managed = (
            Program.objects.all() if user.is_org_admin else Program.objects.filter(managers=user)
        )
        steps["managed_programmes"] = list(
            managed.exclude(status=ProgramStatus.CLOSED)
            .annotate(
                enrolled=Count(
                    "enrolments",
                    filter=Q(enrolments__status=EnrolmentStatus.ACTIVE),
                    distinct=True,
                ),
                active_pairs=Count(
                    "mentorships",
                    filter=Q(mentorships__status=MentorshipStatus.ACTIVE),
                    distinct=True,
                ),
            )
            .order_by("-created_at")[:HOME_PROGRAMMES]
        )
    if person is not None:
        steps["my_mentorships"] = list(
            Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
            .filter(Q(mentor=person) | Q(mentee=person))
            .select_related("program", "mentor", "mentee")[:HOME_PROGRAMMES]
        )
        steps["requests_to_answer"] = list(
            MatchRequest.objects.filter(mentor=person, status=RequestStatus.PENDING).select_related(
                "program", "mentee"
            )[:HOME_PROGRAMMES]
        )
        steps["open_programmes"] = list(
            Program.objects.filter(enrolment_open=True, status=ProgramStatus.ENROLLING)
            .exclude(enrolments__person=person)
            .order_by("-created_at")[:HOME_PROGRAMMES]
        )
    return steps
