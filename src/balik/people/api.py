"""People and skills over REST, under /api/v1/people and /api/v1/skills.

Thin like the views: parse with typed schemas, check permission, call the same services. Birth
years never leave the server; only the generation band does.
"""

import datetime
from typing import Any, Literal

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from balik.core.errors import NotFound, ValidationFailed
from balik.core.schemas import MAX_ID, BodyIn, Date, ObjectId, answers
from balik.people import selectors, services
from balik.people.models import (
    SENIORITY_MAX,
    SENIORITY_MIN,
    Generation,
    Person,
    PersonSkill,
    Skill,
    SkillCategory,
    SkillDirection,
)
from balik.people.permissions import get_person_for_api_edit, get_person_for_api_view

router = Router(tags=["people"])
skills_router = Router(tags=["skills"])


# --- schemas ----------------------------------------------------------------------------------


class SkillOut(Schema):
    slug: str
    name: str = Field(description="The name in the request's language.")
    name_en: str
    name_id: str
    category: SkillCategory
    aliases: list[str]


class SkillDetailOut(SkillOut):
    teachers: int = Field(description="How many people can teach it.")
    learners: int = Field(description="How many people want to learn it.")


class PersonSkillOut(Schema):
    skill: str = Field(description="The skill's slug.")
    name: str
    category: SkillCategory
    level: int = Field(ge=1, le=3, description="1 basic, 2 good, 3 expert.")


class AvailabilityOut(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday.")
    start: str = Field(description="HH:MM, in the person's time zone.")
    end: str = Field(description="HH:MM; 24:00 is midnight at the end of the day.")


class PersonRef(Schema):
    id: int
    full_name: str


def _skills_of(person: Person, direction: str) -> list[dict[str, Any]]:
    """The person's skills in one direction, from the prefetched `all_skills`."""
    return [
        {
            "skill": item.skill.slug,
            "name": item.skill.name,
            "category": item.skill.category,
            "level": item.level,
        }
        for item in getattr(person, "all_skills", [])
        if item.direction == direction
    ]


class PersonOut(Schema):
    id: int
    full_name: str
    email: str
    job_title: str
    department: str
    manager_id: int | None
    seniority_level: int
    generation: Generation | None = Field(description="The band only; birth years are private.")
    languages: list[str]
    timezone: str
    can_teach: list[PersonSkillOut]
    wants_to_learn: list[PersonSkillOut]

    @staticmethod
    def resolve_email(person: Person) -> str:
        return person.user.email

    @staticmethod
    def resolve_languages(person: Person) -> list[str]:
        return list(person.languages or [])

    @staticmethod
    def resolve_can_teach(person: Person) -> list[dict[str, Any]]:
        return _skills_of(person, SkillDirection.TEACH)

    @staticmethod
    def resolve_wants_to_learn(person: Person) -> list[dict[str, Any]]:
        return _skills_of(person, SkillDirection.LEARN)


class PersonDetailOut(PersonOut):
    manager: PersonRef | None
    reports: list[PersonRef]
    hire_date: datetime.date | None
    years_of_service: int | None
    bio: str
    availability: list[AvailabilityOut]

    @staticmethod
    def resolve_reports(person: Person) -> list[Person]:
        return getattr(person, "report_list", [])

    @staticmethod
    def resolve_availability(person: Person) -> list[dict[str, Any]]:
        slots = []
        for slot in getattr(person, "availability_list", []):
            weekday, start, end = selectors.slot_minutes(slot)
            slots.append({"weekday": weekday, "start": _clock(start), "end": _clock(end)})
        return slots


class PeopleFilters(Schema):
    q: str = Field("", max_length=100, description="Part of a name, email or job title.")
    department: str = ""
    skill: str = Field("", description="A skill's slug.")
    direction: Literal["teach", "learn"] | None = None
    seniority_min: int | None = Field(None, ge=SENIORITY_MIN, le=SENIORITY_MAX)
    seniority_max: int | None = Field(None, ge=SENIORITY_MIN, le=SENIORITY_MAX)
    generation: Generation | None = None


class SkillItemIn(BodyIn):
    model_config = ConfigDict(extra="forbid")

    skill: str = Field(description="A slug, a name in either language, or an alias.")
    level: int = Field(description="1 basic, 2 good, 3 expert.")


class AvailabilityIn(BodyIn):
    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(description="0 = Monday ... 6 = Sunday.")
    start: str = Field(description="HH:MM on a half hour, in the person's time zone.")
    end: str = Field(description="HH:MM; 24:00 (or 00:00) is midnight.")


class PersonPatchIn(BodyIn):
    """Only the fields sent are changed. Manager, seniority and hire date: org admins only.

    Rules about several fields at once (times, skills, zones, languages) are checked together
    by the service, so every field at fault is named in one answer.
    """

    model_config = ConfigDict(extra="forbid")

    # Not nullable: leave a field out to keep it. (None is only the "not sent" default.)
    # Lengths and ranges are documented here but checked by `balik.people.rules`, so that the
    # API answers with the message the form and the importer give.
    full_name: str = Field(None, json_schema_extra={"minLength": 1, "maxLength": 200})
    job_title: str | None = Field(
        None, description="null or empty: none.", json_schema_extra={"maxLength": 200}
    )
    department: str | None = Field(
        None, description="null or empty: none.", json_schema_extra={"maxLength": 120}
    )
    manager: int | None = Field(
        None, ge=1, le=MAX_ID, description="The manager's person id; null for none."
    )
    seniority_level: int = Field(
        None, json_schema_extra={"minimum": SENIORITY_MIN, "maximum": SENIORITY_MAX}
    )
    hire_date: Date | None = None
    birth_year: int | None = Field(None, description="Stored privately; never returned.")
    languages: list[str] | None = Field(None, description='ISO 639-1 codes, e.g. ["id", "en"].')
    timezone: str = Field(None, description="An IANA zone, e.g. Asia/Jakarta.")
    bio: str | None = Field(
        None, description="null or empty: none.", json_schema_extra={"maxLength": 2000}
    )
    availability: list[AvailabilityIn] | None = Field(
        None, description="Replaces the whole weekly availability."
    )
    can_teach: list[SkillItemIn] | None = Field(None, description="Replaces the list.")
    wants_to_learn: list[SkillItemIn] | None = Field(None, description="Replaces the list.")


# --- shaping output ---------------------------------------------------------------------------


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _person_detail(person_id: int, user: Any) -> Person:
    """The person with what the detail shows attached (four queries)."""
    person = get_person_for_api_view(user, person_id)
    person.all_skills = list(  # type: ignore[attr-defined]
        PersonSkill.objects.filter(person=person)
        .select_related("skill")
        .order_by("-level", "skill__name_en", "pk")
    )
    person.report_list = list(  # type: ignore[attr-defined]
        Person.objects.filter(manager=person).only("id", "full_name").order_by("full_name", "pk")
    )
    person.availability_list = list(person.availability.all())  # type: ignore[attr-defined]
    return person


def _my_person_id(user: Any) -> int:
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    if person_id is None:
        raise NotFound(_("Your account is not linked to anyone in the directory."))
    return person_id


def _apply_patch(person: Person, user: Any, payload: PersonPatchIn) -> None:
    sent = payload.model_dump(exclude_unset=True)
    parts = {key: sent.pop(key, None) for key in ("availability", "can_teach", "wants_to_learn")}
    availability = parts["availability"]
    services.person_update_profile(
        person=person,
        actor=user,
        data=sent,
        availability=(
            None
            if availability is None
            else [(item["weekday"], item["start"], item["end"]) for item in availability]
        ),
        can_teach=parts["can_teach"],
        wants_to_learn=parts["wants_to_learn"],
    )


# --- people -----------------------------------------------------------------------------------


@router.get(
    "",
    response=answers({200: list[PersonOut]}, 422),
    summary="List people, with the directory's filters",
)
@paginate
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> Any:
    skill = None
    if filters.skill:
        skill = Skill.objects.filter(slug=filters.skill).first()
        if skill is None:
            raise ValidationFailed(
                {
                    "skill": [
                        _("There is no skill with the slug “%(slug)s”.") % {"slug": filters.skill}
                    ]
                }
            )
    if (
        filters.seniority_min is not None
        and filters.seniority_max is not None
        and filters.seniority_min > filters.seniority_max
    ):
        raise ValidationFailed(
            {"seniority_max": [_("The upper bound must not be below the lower bound.")]}
        )
    return selectors.api_people(
        selectors.DirectoryFilters(
            q=filters.q.strip(),
            department=filters.department,
            skill=skill,
            direction=filters.direction or "",
            seniority_min=filters.seniority_min,
            seniority_max=filters.seniority_max,
            generation=filters.generation or "",
        )
    )


@router.get("/me", response=answers({200: PersonDetailOut}, 404), summary="My profile")
def get_me(request: HttpRequest) -> Person:
    return _person_detail(_my_person_id(request.user), request.user)


@router.patch(
    "/me",
    response=answers({200: PersonDetailOut}, 403, 404, 422),
    summary="Update my profile (only the fields sent)",
)
def patch_me(request: HttpRequest, payload: PersonPatchIn) -> Person:
    person = get_person_for_api_edit(request.user, _my_person_id(request.user))
    _apply_patch(person, request.user, payload)
    return _person_detail(person.pk, request.user)


@router.get(
    "/{person_id}", response=answers({200: PersonDetailOut}, 404, 422), summary="One person"
)
def get_person(request: HttpRequest, person_id: ObjectId) -> Person:
    return _person_detail(person_id, request.user)


@router.patch(
    "/{person_id}",
    response=answers({200: PersonDetailOut}, 403, 404, 422),
    summary="Update a person (org admins; anyone for themself)",
)
def patch_person(request: HttpRequest, person_id: ObjectId, payload: PersonPatchIn) -> Person:
    person = get_person_for_api_edit(request.user, person_id)
    _apply_patch(person, request.user, payload)
    return _person_detail(person.pk, request.user)


# --- skills -----------------------------------------------------------------------------------


@skills_router.get("", response=answers({200: list[SkillOut]}, 422), summary="The skill taxonomy")
def list_skills(
    request: HttpRequest,
    category: SkillCategory | None = None,
    q: str = Query("", max_length=100, description="Part of a slug, a name or an alias."),
) -> list[Skill]:
    queryset = Skill.objects.all()
    if category:
        queryset = queryset.filter(category=category)
    text = q.strip()
    if text:
        queryset = queryset.filter(
            Q(slug__icontains=text)
            | Q(name_en__icontains=text)
            | Q(name_id__icontains=text)
            | Q(aliases__icontains=text)
        )
    return sorted(queryset, key=lambda skill: skill.name.casefold())


@skills_router.get(
    "/{slug}", response=answers({200: SkillDetailOut}, 404), summary="One skill, with counts"
)
def get_skill(request: HttpRequest, slug: str) -> Skill:
    skill = (
        Skill.objects.annotate(
            teachers=Count("holders", filter=Q(holders__direction=SkillDirection.TEACH)),
            learners=Count("holders", filter=Q(holders__direction=SkillDirection.LEARN)),
        )
        .filter(slug=slug)
        .first()
    )
    if skill is None:
        raise NotFound(_("There is no skill with the slug “%(slug)s”.") % {"slug": slug})
    return skill
