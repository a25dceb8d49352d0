"""Reads the people pages and the API share: directory search, org chart, taxonomy, week strips.

Every list here costs a fixed number of queries, however many people there are.
"""

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils import dateformat, timezone
from django.utils.translation import get_language_info, gettext_lazy, pgettext

from balik.people.models import (
    AvailabilitySlot,
    Person,
    PersonQuerySet,
    PersonSkill,
    Skill,
    SkillCategory,
    SkillDirection,
    Weekday,
)

DIRECTORY_PAGE_SIZE = 25
TOP_TEACH_SHOWN = 4
TOP_LEARN_SHOWN = 3
DAY_MINUTES = 24 * 60
EN_DASH = "\u2013"

# Languages Django does not name itself but colleagues in Indonesia speak.
EXTRA_LANGUAGE_NAMES = {
    "jv": gettext_lazy("Javanese"),
    "su": gettext_lazy("Sundanese"),
    "zh": gettext_lazy("Chinese"),
    "tl": gettext_lazy("Tagalog"),
    "ms": gettext_lazy("Malay"),
}


def language_name(code: str) -> str:
    """A language code's name in the active language, e.g. "id" -> "Indonesian"."""
    if code in EXTRA_LANGUAGE_NAMES:
        return str(EXTRA_LANGUAGE_NAMES[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code.upper()


# --- the directory ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    department: str = ""
    skill: Skill | None = None
    direction: str = ""
    seniority_min: int | None = None
    seniority_max: int | None = None
    generation: str = ""

    @property
    def active(self) -> bool:
        return any(
            (
                self.q,
                self.department,
                self.skill,
                self.seniority_min,
                self.seniority_max,
                self.generation,
            )
        )


def filter_people(queryset: PersonQuerySet, filters: DirectoryFilters) -> PersonQuerySet:
    if filters.q:
        queryset = queryset.search(filters.q)
    if filters.department:
        queryset = queryset.filter(department=filters.department)
    if filters.skill is not None:
        queryset = queryset.with_skill(filters.skill, filters.direction or None)
    if filters.seniority_min is not None:
        queryset = queryset.filter(seniority_level__gte=filters.seniority_min)
    if filters.seniority_max is not None:
        queryset = queryset.filter(seniority_level__lte=filters.seniority_max)
    if filters.generation:
        queryset = queryset.in_generation(filters.generation)
    return queryset


def _skills_queryset(direction: str) -> Any:
    return (
        PersonSkill.objects.filter(direction=direction)
        .select_related("skill")
        .order_by("-level", "skill__name_en", "pk")
    )


def directory_people(filters: DirectoryFilters) -> PersonQuerySet:
    """People matching the filters, each with their top skills prefetched (two queries per page).

    `top_teach` and `top_learn` hold only the skills the list shows (a window-function slice).
    """
    queryset = filter_people(Person.objects.all(), filters)
    return (
        queryset.select_related("user")
        .prefetch_related(
            Prefetch(
                "skills",
                queryset=_skills_queryset(SkillDirection.TEACH)[:TOP_TEACH_SHOWN],
                to_attr="top_teach",
            ),
            Prefetch(
                "skills",
                queryset=_skills_queryset(SkillDirection.LEARN)[:TOP_LEARN_SHOWN],
                to_attr="top_learn",
            ),
        )
        .order_by("full_name", "pk")
    )


def api_people(filters: DirectoryFilters) -> PersonQuerySet:
    """As the directory, with every skill (the API lists them all)."""
    queryset = filter_people(Person.objects.all(), filters)
    return (
        queryset.select_related("user")
        .prefetch_related(
            Prefetch(
                "skills",
                queryset=PersonSkill.objects.select_related("skill").order_by(
                    "-level", "skill__name_en", "pk"
                ),
                to_attr="all_skills",
            )
        )
        .order_by("full_name", "pk")
    )


def department_names() -> list[str]:
    return list(
        Person.objects.exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


def skills_by_category(skills: Iterable[Skill] | None = None) -> list[tuple[str, str, list[Skill]]]:
    """(category value, category label, skills sorted by their name in the active language)."""
    if skills is None:
        skills = Skill.objects.only("id", "slug", "name_en", "name_id", "category")
    groups: dict[str, list[Skill]] = defaultdict(list)
    for skill in skills:
        groups[skill.category].append(skill)
    return [
        (category.value, str(category.label), sorted(groups[category], key=_skill_sort_key))
        for category in SkillCategory
        if groups.get(category)
    ]


def _skill_sort_key(skill: Skill) -> str:
    return skill.name.casefold()


# --- the profile ------------------------------------------------------------------------------


@dataclass
class SkillGroup:
    label: str
    items: list[PersonSkill] = field(default_factory=list)


def group_person_skills(person_skills: Iterable[PersonSkill]) -> dict[str, list[SkillGroup]]:
    """{"teach": [SkillGroup(category, items)], "learn": [...]}, in taxonomy order."""
    by_direction: dict[str, dict[str, list[PersonSkill]]] = {
        SkillDirection.TEACH: defaultdict(list),
        SkillDirection.LEARN: defaultdict(list),
    }
    for item in person_skills:
        by_direction[item.direction][item.skill.category].append(item)
    result: dict[str, list[SkillGroup]] = {}
    for direction, groups in by_direction.items():
        result[str(direction)] = [
            SkillGroup(
                label=str(category.label),
                items=sorted(groups[category], key=lambda i: (-i.level, i.skill.name.casefold())),
            )
            for category in SkillCategory
            if groups.get(category)
        ]
    return result


def clock_format() -> str:
    # Translators: a PHP-style time format for times of day in week strips; Indonesian uses "H.i".
    return pgettext("clock time format", "H:i")


def format_clock(minutes: int) -> str:
    """Minutes since midnight as a wall-clock time; 1440 is shown as 24:00."""
    fmt = clock_format()
    if minutes >= DAY_MINUTES:
        return dateformat.time_format(datetime.time(0, 0), fmt).replace("00", "24", 1)
    return dateformat.time_format(datetime.time(minutes // 60, minutes % 60), fmt)


def slot_minutes(slot: AvailabilitySlot) -> tuple[int, int, int]:
    start = slot.start_time.hour * 60 + slot.start_time.minute
    end = slot.end_time.hour * 60 + slot.end_time.minute or DAY_MINUTES
    return slot.weekday, start, end


def merge_ranges(ranges: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Merge overlapping or touching (weekday, start, end) minute ranges on the same day."""
    merged: list[tuple[int, int, int]] = []
    for weekday, start, end in sorted(ranges):
        if merged and merged[-1][0] == weekday and start <= merged[-1][2]:
            merged[-1] = (weekday, merged[-1][1], max(merged[-1][2], end))
        else:
            merged.append((weekday, start, end))
    return merged


def convert_weekly_ranges(
    ranges: Iterable[tuple[int, int, int]],
    from_zone: str,
    to_zone: str,
    reference: datetime.date,
) -> list[tuple[int, int, int]]:
    """Move (weekday, start, end) wall-clock ranges from one zone to another.

    Offsets (and daylight saving) are those of the week containing `reference`; a range that
    crosses midnight in the new zone is split over two days, Sunday wrapping to Monday.
    """
    source, target = zoneinfo.ZoneInfo(from_zone), zoneinfo.ZoneInfo(to_zone)
    monday = reference - datetime.timedelta(days=reference.weekday())
    converted: list[tuple[int, int, int]] = []
    for weekday, start, end in ranges:
        day = datetime.datetime.combine(monday + datetime.timedelta(days=weekday), datetime.time())
        begin = (day + datetime.timedelta(minutes=start)).replace(tzinfo=source).astimezone(target)
        finish = (day + datetime.timedelta(minutes=end)).replace(tzinfo=source).astimezone(target)
        while begin < finish:
            next_midnight = datetime.datetime.combine(
                begin.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=target
            )
            piece_end = min(finish, next_midnight)
            start_minutes = begin.hour * 60 + begin.minute
            end_minutes = (
                DAY_MINUTES
                if piece_end == next_midnight
                else piece_end.hour * 60 + piece_end.minute
            )
            if end_minutes > start_minutes:
                converted.append((begin.weekday(), start_minutes, end_minutes))
            begin = piece_end
    return merge_ranges(converted)


def week_strip(ranges: Sequence[tuple[int, int, int]]) -> list[dict[str, Any]]:
    """Seven days, each with its readable ranges, e.g. {"short": "Mon", "ranges": ["09:00-12:00"]}.

    Ranges are joined with an en dash.
    """
    by_day: dict[int, list[str]] = defaultdict(list)
    for weekday, start, end in sorted(ranges):
        by_day[weekday].append(f"{format_clock(start)}{EN_DASH}{format_clock(end)}")
    short_names = [
        pgettext("weekday abbreviation", "Mon"),
        pgettext("weekday abbreviation", "Tue"),
        pgettext("weekday abbreviation", "Wed"),
        pgettext("weekday abbreviation", "Thu"),
        pgettext("weekday abbreviation", "Fri"),
        pgettext("weekday abbreviation", "Sat"),
        pgettext("weekday abbreviation", "Sun"),
    ]
    return [
        {
            "weekday": day.value,
            "short": short_names[day.value],
            "name": str(day.label),
            "ranges": by_day.get(day.value, []),
        }
        for day in Weekday
    ]


def known_zone(zone_name: str) -> str:
    """The zone if this machine knows it, else UTC (so a bad stored value cannot break a page)."""
    try:
        zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return "UTC"
    return zone_name


def zone_label(zone_name: str, now: datetime.datetime | None = None) -> str:
    """A zone with its current offset, e.g. Asia/Jakarta (UTC+07:00)."""
    zone_name = known_zone(zone_name)
    moment = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(zone_name))
    offset = moment.strftime("%z")
    return f"{zone_name} (UTC{offset[:3]}:{offset[3:]})"


def viewer_time_zone(user: Any) -> str:
    """The zone to show times in for `user`: their profile's zone, else the site's."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is not None and person.timezone:
        return known_zone(person.timezone)
    return timezone.get_current_timezone_name()


def profile_details(person: Person, *, viewer: Any) -> dict[str, Any]:
    """Everything the profile page shows beyond the person row (four queries)."""
    person_skills = list(
        PersonSkill.objects.filter(person=person).select_related("skill").order_by("-level")
    )
    reports = list(
        Person.objects.filter(manager=person)
        .only("id", "full_name", "job_title")
        .order_by("full_name", "pk")
    )
    ranges = [slot_minutes(slot) for slot in AvailabilitySlot.objects.filter(person=person)]
    now = timezone.now()
    own_zone = known_zone(person.timezone)
    viewer_zone = viewer_time_zone(viewer)
    local_now = now.astimezone(zoneinfo.ZoneInfo(own_zone))
    converted = None
    if viewer_zone != own_zone and ranges:
        converted = week_strip(
            convert_weekly_ranges(ranges, own_zone, viewer_zone, local_now.date())
        )
    return {
        "skill_groups": group_person_skills(person_skills),
        "reports": reports,
        "week": week_strip(ranges),
        "has_availability": bool(ranges),
        "week_in_viewer_zone": converted,
        "viewer_zone_label": zone_label(viewer_zone, now),
        "zone_label": zone_label(own_zone, now),
        "local_time": local_now.time().replace(second=0, microsecond=0),
        "local_weekday": str(Weekday(local_now.weekday()).label),
        "clock_format": clock_format(),
        "languages": [language_name(code) for code in person.languages or []],
    }


# --- the org chart ----------------------------------------------------------------------------


def _with_report_counts(queryset: PersonQuerySet, department: str) -> PersonQuerySet:
    count_filter = Q(reports__department=department) if department else None
    return queryset.annotate(report_count=Count("reports", filter=count_filter)).only(
        "id", "full_name", "job_title", "department", "manager_id"
    )


def org_chart_roots(department: str = "") -> PersonQuerySet:
    """The top of the chart: people with no manager (or, in a department, no manager there)."""
    queryset = Person.objects.all()
    if department:
        queryset = queryset.filter(department=department).filter(
            Q(manager__isnull=True) | ~Q(manager__department=department)
        )
    else:
        queryset = queryset.filter(manager__isnull=True)
    return _with_report_counts(queryset, department).order_by("full_name", "pk")


def org_chart_reports(managers: Sequence[Person], department: str = "") -> dict[int, list[Person]]:
    """The direct reports of each manager, in one query, each with their own report count."""
    queryset = Person.objects.filter(manager__in=[m.pk for m in managers])
    if department:
        queryset = queryset.filter(department=department)
    children: dict[int, list[Person]] = defaultdict(list)
    for person in _with_report_counts(queryset, department).order_by("full_name", "pk"):
        children[person.manager_id].append(person)
    return children


def org_chart_person(person_id: int, department: str = "") -> Person | None:
    queryset = Person.objects.filter(pk=person_id)
    count_filter = Q(reports__department=department) if department else None
    return (
        queryset.annotate(report_count=Count("reports", filter=count_filter))
        .select_related("manager")
        .first()
    )


# --- the taxonomy -----------------------------------------------------------------------------


def skills_overview(category: str = "") -> list[tuple[str, str, list[Skill]]]:
    """Every skill with `teachers` and `learners` counts, grouped by category (one query)."""
    queryset = Skill.objects.annotate(
        teachers=Count("holders", filter=Q(holders__direction=SkillDirection.TEACH)),
        learners=Count("holders", filter=Q(holders__direction=SkillDirection.LEARN)),
    )
    if category:
        queryset = queryset.filter(category=category)
    return skills_by_category(queryset)
