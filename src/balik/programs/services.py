"""Programme rules: who may manage a programme, creating one from a template, moving its
status, enrolling and withdrawing people (one at a time or from a CSV file).

Every write validates first (collecting every field error into one `ValidationFailed`) and then
writes in one transaction, so a refused operation leaves nothing behind.
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import BalikError, NotFound, PermissionRefused, ValidationFailed
from balik.core.text import long_text_problem, single_line_problem, visible
from balik.people.importing import (
    UnreadableFile,
    csv_records,
    decode_people_csv,
    sniff_delimiter,
)
from balik.people.models import Person, PersonSkill, Skill, SkillDirection
from balik.programs.catalog import (
    DEFAULT_SENIORITY_GAP,
    TEMPLATES_BY_SLUG,
    ProgramTemplate,
    readiness_questions,
)
from balik.programs.invitations import invitations_send
from balik.programs.models import (
    CLUB_TEMPLATE,
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramKind,
    ProgramStatus,
)
from balik.programs.weights import COMPONENTS

MAX_CAPACITY = 10
MAX_GOALS_LENGTH = 2000
MAX_HOURS_PREPARING = 40
ENROL_CHUNK = 5000  # people per round of bulk writes: well under SQLite's bound parameters
WEIGHT_NAMES = COMPONENTS  # one weight per score component of the matching engine


# --- who may do what ---------------------------------------------------------------------------


def can_create_programs(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_org_admin or user.is_program_manager))


def can_manage(user: User, program: Program) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_org_admin:
        return True
    return program.managers.filter(pk=user.pk).exists()


def managed_programs(user: User) -> QuerySet[Program]:
    programmes = Program.objects.exclude(template=CLUB_TEMPLATE)
    if user.is_org_admin:
        return programmes
    return programmes.filter(managers=user)


def visible_programs(user: User) -> QuerySet[Program]:
    """Managers see theirs; participants see the ones they are in and the ones open to join."""
    programmes = Program.objects.exclude(template=CLUB_TEMPLATE)
    if user.is_org_admin:
        return programmes
    return programmes.filter(
        Q(managers=user)
        | Q(enrolments__person__user=user)
        | Q(enrolment_open=True, status=ProgramStatus.ENROLLING)
    ).distinct()


def can_see_program(user: User, program: Program) -> bool:
    """Whether `program` is among the user's `visible_programs` (one query)."""
    return visible_programs(user).filter(pk=program.pk).exists()


def active_enrolment(user: User, program: Program) -> Enrolment | None:
    """The user's own current enrolment in the programme, with its person, or None."""
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(program=program, person__user=user, status=EnrolmentStatus.ACTIVE)
        .select_related("person")
        .first()
    )


def require_manager(user: User, program: Program) -> None:
    if not can_manage(user, program):
        raise PermissionRefused(_("Only this programme's managers can do that."))


def get_program(slug: str) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        raise NotFound(_("There is no programme with that address."))
    return program


# --- creating and editing ----------------------------------------------------------------------


def unique_slug(base: str) -> str:
    stem = slugify(base)[:70] or "programme"
    slug, counter = stem, 2
    while Program.objects.filter(slug=slug).exists():
        slug = f"{stem}-{counter}"
        counter += 1
    return slug


def _template_values(template: ProgramTemplate) -> dict[str, Any]:
    """A template's settings and texts in the active language, as plain values to copy."""
    return {
        "description": str(template.summary),
        "cadence_days": template.cadence_days,
        "session_minutes": template.session_minutes,
        "format_preference": template.format_preference,
        "seniority_gap": template.seniority_gap,
        "require_different_department": template.require_different_department,
        "min_score": template.min_score,
        "weights": dict(template.weights),
        "mentor_guide": str(template.mentor_guide),
        "mentee_guide": str(template.mentee_guide),
        "suggested_goals": [str(goal) for goal in template.suggested_goals],
        "agenda_prompts": [str(prompt) for prompt in template.agenda_prompts],
    }


def program_create(
    actor: User | None,
    *,
    name: str,
    kind: str,
    template: str | None = None,
    slug: str | None = None,
    **changes: Any,
) -> Program:
    """A new draft programme. A template's settings are copied first, then `changes` apply."""
    if actor is not None and not can_create_programs(actor):
        raise PermissionRefused(
            _("Only organisation admins and programme managers create programmes.")
        )
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Give the programme a name."))
    elif len(name) > 160:
        errors.setdefault("name", []).append(_("Use at most 160 characters."))
    elif problem := single_line_problem(name):
        errors.setdefault("name", []).append(problem)
    if kind not in ProgramKind.values:
        errors.setdefault("kind", []).append(
            _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ProgramKind.values)}
        )
    values: dict[str, Any] = {"seniority_gap": DEFAULT_SENIORITY_GAP.get(kind, 1)}
    if template:
        chosen = TEMPLATES_BY_SLUG.get(template)
        if chosen is None:
            errors.setdefault("template", []).append(
                _("There is no template %(slug)s; choose one of: %(slugs)s.")
                % {"slug": template, "slugs": ", ".join(TEMPLATES_BY_SLUG)}
            )
        elif chosen.kind != kind:
            errors.setdefault("template", []).append(
                _("The template %(slug)s is for %(kind)s programmes.")
                % {"slug": template, "kind": chosen.kind}
            )
        else:
            values.update(_template_values(chosen))
    if slug is not None and slug != "":
        if slugify(slug) != slug:
            errors.setdefault("slug", []).append(
                _("Use lowercase letters, digits and hyphens only.")
            )
        elif Program.objects.filter(slug=slug).exists():
            errors.setdefault("slug", []).append(_("Another programme already uses this slug."))
    if errors:
        raise ValidationFailed(errors)
    values.update(changes)
    _check_settings(values)
    with transaction.atomic():
        program = Program(
            name=name,
            kind=kind,
            template=template or "",
            slug=slug or unique_slug(name),
            created_by=actor,
            **values,
        )
        program.full_clean(exclude=["managers", "enrolment_token"])
        program.save()
        if actor is not None:
            program.managers.add(actor)
    return program


def program_set_up(
    actor: User,
    *,
    name: str,
    kind: str,
    template: str | None,
    slug: str | None,
    settings: dict[str, Any],
    invite: Iterable[Person] = (),
    invite_role: str = "",
) -> Program:
    """The guided set-up: the programme from its template and answers, open for enrolment,
    with the people invited right away enrolled; all or nothing."""
    with transaction.atomic():
        program = program_create(
            actor, name=name, kind=kind, template=template, slug=slug, **settings
        )
        program_change_status(actor, program, status=ProgramStatus.ENROLLING)
        invite = list(invite)
        if invite:
            enrolments_add_people(actor, program, people=invite, role=invite_role)
    return program


def _check_settings(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    weights = values.get("weights")
    if weights is not None:
        if not isinstance(weights, dict):
            errors["weights"] = [_("Weights must map each score component to a number.")]
        else:
            unknown = sorted(set(weights) - set(WEIGHT_NAMES))
            if unknown:
                errors["weights"] = [
                    _("Unknown score components: %(names)s.") % {"names": ", ".join(unknown)}
                ]
            elif any(
                not isinstance(value, int | float) or isinstance(value, bool) or value < 0
                for value in weights.values()
            ):
                errors["weights"] = [_("Every weight must be a number of 0 or more.")]
            elif weights and sum(weights.values()) <= 0:
                errors["weights"] = [_("At least one weight must be above 0.")]
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [_("The programme must end after it starts.")]
    if errors:
        raise ValidationFailed(errors)


def program_update(actor: User, program: Program, **changes: Any) -> Program:
    require_manager(actor, program)
    _check_settings(changes)
    for name, value in changes.items():
        setattr(program, name, value)
    try:
        program.full_clean(exclude=["managers", "enrolment_token"])
    except Exception as error:  # django ValidationError carries per-field messages
        messages = getattr(error, "message_dict", None)
        if messages is None:
            raise
        raise ValidationFailed({k: list(v) for k, v in messages.items()}) from error
    program.save()
    return program


def program_change_status(actor: User | None, program: Program, *, status: str) -> Program:
    """Move the programme along its life cycle (`STATUS_MOVES`); the web page, the API and
    `balik program status` all move it here. Checked under the row's lock."""
    if actor is not None:
        require_manager(actor, program)
    if status not in ProgramStatus.values:
        raise BalikError(
            _("“%(status)s” is not a programme status; choose one of %(choices)s.")
            % {"status": status, "choices": ", ".join(ProgramStatus.values)},
            field="status",
            code="invalid_status",
        )
    with transaction.atomic():
        current = Program.objects.select_for_update().only("status").get(pk=program.pk)
        program.status = current.status
        allowed = program.next_statuses()
        if status not in allowed:
            reason = _("A programme cannot move from %(old)s to %(new)s.") % {
                "old": program.get_status_display(),
                "new": ProgramStatus(status).label,
            }
            hint = (
                _("From %(old)s it can move to %(next)s.")
                % {
                    "old": program.get_status_display(),
                    "next": ", ".join(str(ProgramStatus(s).label) for s in allowed),
                }
                if allowed
                else _("A closed programme stays closed.")
            )
            # the value is a status, refused by the programme's state: a conflict, not bad input
            raise BalikError(f"{reason} {hint}", field="status", code="invalid_move", status=409)
        program.status = status
        program.save(update_fields=["status"])
    return program


def program_set_managers(actor: User, program: Program, *, users: Iterable[User]) -> None:
    require_manager(actor, program)
    users = list(users)
    if not users:
        raise ValidationFailed({"managers": [_("A programme needs at least one manager.")]})
    program.managers.set(users)


# --- enrolment ---------------------------------------------------------------------------------


@dataclass
class EnrolmentData:
    role: str
    goals: str = ""
    give_skills: Sequence[Skill] | None = None
    get_skills: Sequence[Skill] | None = None
    capacity: int | None = None
    avoid: Sequence[Person] = field(default_factory=list)
    prefer: Sequence[Person] = field(default_factory=list)
    readiness: dict[str, Any] = field(default_factory=dict)


def allowed_roles(program: Program) -> list[str]:
    return roles_of_kind(program.kind)


def roles_of_kind(kind: str) -> list[str]:
    if kind == ProgramKind.PEER:
        return [EnrolmentRole.BOTH]
    roles = [EnrolmentRole.MENTOR, EnrolmentRole.MENTEE]
    if kind in (ProgramKind.PEER, ProgramKind.CLASSIC):
        roles.append(EnrolmentRole.BOTH)
    return roles


def enrolment_errors(
    program: Program, person: Person, *, data: EnrolmentData, require_readiness: bool = True
) -> dict[str, list[str]]:
    """Every problem with an enrolment, by field; empty when it may be saved.

    The readiness self-assessment is the person's own: required when they enrol themselves,
    checked (not required) when a manager enrols them.
    """
    errors: dict[str, list[str]] = {}
    if data.role not in allowed_roles(program):
        errors["role"] = [
            _("In this programme the role must be one of: %(roles)s.")
            % {"roles": ", ".join(allowed_roles(program))}
        ]
    if len(data.goals or "") > MAX_GOALS_LENGTH:
        errors["goals"] = [_("Use at most %(n)d characters.") % {"n": MAX_GOALS_LENGTH}]
    elif problem := long_text_problem(data.goals or ""):
        errors["goals"] = [problem]
    if data.capacity is not None and not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = [
            _("A mentor takes between 1 and %(n)d mentees.") % {"n": MAX_CAPACITY}
        ]
    if any(other.pk == person.pk for other in data.avoid):
        errors["avoid"] = [_("You cannot avoid yourself.")]
    if any(other.pk == person.pk for other in data.prefer):
        errors["prefer"] = [_("You cannot ask to be paired with yourself.")]
    both = {p.pk for p in data.avoid} & {p.pk for p in data.prefer}
    if both:
        errors["prefer"] = [_("Someone cannot be both avoided and wanted.")]
    for key, _question, answer_kind in readiness_questions(program.kind, data.role):
        value = data.readiness.get(key)
        if value in (None, "") and not require_readiness:
            continue
        if value in (None, ""):
            errors.setdefault(f"readiness_{key}", []).append(_("Answer this question."))
            continue
        limit = (1, 5) if answer_kind == "scale" else (0, MAX_HOURS_PREPARING)
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not limit[0] <= value <= limit[1]
        ):
            errors.setdefault(f"readiness_{key}", []).append(
                _("Give a whole number from %(low)d to %(high)d.")
                % {"low": limit[0], "high": limit[1]}
            )
    return errors


def _profile_skills(person: Person, direction: str) -> list[Skill]:
    return [ps.skill for ps in person.skills.select_related("skill").filter(direction=direction)]


def enrolment_add(
    actor: User | None,
    program: Program,
    *,
    person: Person,
    data: EnrolmentData,
) -> Enrolment:
    """Enrol (or re-enrol, updating the answers) one person.

    A manager enrols anyone; a participant only themself, and only through an open enrolment.
    """
    if actor is not None and not can_manage(actor, program):
        if person.user_id != actor.pk:
            raise PermissionRefused(_("You can only enrol yourself."))
        if not (program.enrolment_open and program.status == ProgramStatus.ENROLLING):
            raise PermissionRefused(_("This programme is not open for enrolment."))
    if not program.enrolment_changeable:
        raise BalikError(
            _("Enrolment is closed: this programme is already %(status)s.")
            % {"status": program.get_status_display()},
            code="enrolment_closed",
        )
    own = actor is not None and person.user_id == actor.pk
    errors = enrolment_errors(program, person, data=data, require_readiness=own)
    if errors:
        raise ValidationFailed(errors)
    give = data.give_skills if data.give_skills is not None else _profile_skills(person, "teach")
    get = data.get_skills if data.get_skills is not None else _profile_skills(person, "learn")
    capacity = data.capacity or program.default_capacity
    with transaction.atomic():
        previous = (
            Enrolment.objects.filter(program=program, person=person)
            .values_list("status", flat=True)
            .first()
        )
        enrolment, _created = Enrolment.objects.update_or_create(
            program=program,
            person=person,
            defaults={
                "role": data.role,
                "goals": (data.goals or "").strip(),
                "capacity": capacity,
                "readiness": data.readiness,
                "status": EnrolmentStatus.ACTIVE,
                "withdrawn_at": None,
                "enrolled_by": actor,
            },
        )
        enrolment.give_skills.set(give)
        enrolment.get_skills.set(get)
        enrolment.avoid.set(data.avoid)
        enrolment.prefer.set(data.prefer)
        if actor is not None and not own and previous != EnrolmentStatus.ACTIVE:
            # a manager enrolled someone else (the API does, one person at a time)
            enrolment.person = person
            invitations_send([enrolment], program=program, manager_name=actor.full_name)
    return enrolment


def enrolment_withdraw(actor: User, enrolment: Enrolment) -> Enrolment:
    program = enrolment.program
    if enrolment.person.user_id != actor.pk and not can_manage(actor, program):
        raise PermissionRefused(_("You can only withdraw yourself."))
    if not program.enrolment_changeable:
        raise BalikError(
            _("Matching has started; ask the programme manager to take you out."),
            code="enrolment_closed",
        )
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment


# --- enrolment from a CSV file -----------------------------------------------------------------

ENROL_COLUMNS = ("email", "role", "capacity", "goals")
REQUIRED_ENROL_COLUMNS = ("email", "role")


@dataclass
class EnrolReport:
    enrolled: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"enrolled": self.enrolled, "updated": self.updated, "errors": self.errors}


def enrolments_import_csv(actor: User | None, program: Program, *, content: bytes) -> EnrolReport:
    """Enrol everyone in a CSV (email, role, capacity, goals): all rows, or none when any is bad."""
    if actor is not None:
        require_manager(actor, program)
    report = EnrolReport()

    def error(line: int, column: str, value: str, reason: str) -> None:
        report.errors.append(
            {"line": line, "column": column, "value": visible(value), "reason": reason}
        )

    try:
        text = decode_people_csv(content)
    except UnreadableFile as unreadable:
        report.errors.append(unreadable.error.as_dict())
        return report
    if not program.enrolment_changeable:
        error(
            0,
            "",
            "",
            _("Enrolment is closed: this programme is already %(status)s.")
            % {"status": program.get_status_display()},
        )
        return report
    try:
        delimiter = sniff_delimiter(text)
        # each record with its first physical line: a quoted goal may span several lines
        table = list(csv_records(text, delimiter))
    except csv.Error as broken:
        error(0, "", "", _("The file is not a valid CSV file: %(reason)s") % {"reason": broken})
        return report
    reader = iter(table)
    _header_line, header = next(reader, (1, []))
    if not header:
        error(1, "", "", _("The file is empty."))
        return report
    columns = [cell.strip().lower() for cell in header]
    for required in REQUIRED_ENROL_COLUMNS:
        if required not in columns:
            error(1, required, "", _("The column %(name)s is missing.") % {"name": required})
    unknown = [c for c in columns if c and c not in ENROL_COLUMNS]
    for column in unknown:
        error(
            1,
            column,
            column,
            _("Unknown column; expected: %(names)s.") % {"names": ", ".join(ENROL_COLUMNS)},
        )
    if report.errors:
        return report
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            error(line, "", delimiter.join(cells), _("This row has more cells than the header."))
            continue
        rows.append(
            (line, {c: (cells[i].strip() if i < len(cells) else "") for i, c in enumerate(columns)})
        )
    if not rows and not report.errors:
        error(2, "", "", _("The file has no rows to enrol."))
        return report
    emails = {row["email"].lower() for _line, row in rows}
    people = {
        p.user.email.lower(): p
        for p in Person.objects.filter(user__email__in=emails).select_related("user")
    }
    existing = dict(
        Enrolment.objects.filter(program=program, person__in=people.values()).values_list(
            "person_id", "status"
        )
    )
    seen: dict[str, int] = {}
    planned: list[tuple[Person, EnrolmentData]] = []
    for line, row in rows:
        # goals are a long text (checked with the enrolment below); every other cell is one line
        broken = {
            column: problem
            for column, value in row.items()
            if column != "goals" and (problem := single_line_problem(value))
        }
        for column, problem in broken.items():
            error(line, column, row[column], problem)
        if broken:
            continue
        email = row["email"].lower()
        person = people.get(email)
        if not email:
            error(line, "email", "", _("The email is missing."))
            continue
        if person is None:
            error(line, "email", row["email"], _("Nobody in the directory has this email."))
            continue
        if email in seen:
            error(
                line,
                "email",
                row["email"],
                _("This email is already on line %(line)d.") % {"line": seen[email]},
            )
            continue
        seen[email] = line
        capacity: int | None = None
        if row.get("capacity"):
            try:
                capacity = int(row["capacity"])
            except ValueError:
                error(line, "capacity", row["capacity"], _("Give a whole number."))
                continue
        data = EnrolmentData(
            role=row["role"].lower(),
            goals=row.get("goals", ""),
            capacity=capacity,
            readiness={},
        )
        # a manager's enrolment leaves the self-assessment to the person
        row_errors = enrolment_errors(program, person, data=data, require_readiness=False)
        for column, messages in row_errors.items():
            for message in messages:
                error(line, column, row.get(column, ""), message)
        if not row_errors:
            planned.append((person, data))
    if report.errors:
        report.errors.sort(key=lambda e: (e["line"], e["column"]))
        return report
    try:
        with transaction.atomic():
            invited = []
            for person, data in planned:
                enrolment = enrolment_save(actor, program, person=person, data=data)
                if existing.get(person.pk) != EnrolmentStatus.ACTIVE:
                    enrolment.person = person  # with its user, for the invitation
                    invited.append(enrolment)
                if person.pk in existing:
                    report.updated += 1
                else:
                    report.enrolled += 1
            invitations_send(
                invited, program=program, manager_name=actor.full_name if actor else ""
            )
    except IntegrityError as failure:
        report.enrolled = report.updated = 0
        error(0, "", "", _("Nothing was written: %(error)s") % {"error": failure})
    return report


def enrolment_save(
    actor: User | None, program: Program, *, person: Person, data: EnrolmentData
) -> Enrolment:
    enrolment, created = Enrolment.objects.get_or_create(
        program=program,
        person=person,
        defaults={
            "role": data.role,
            "goals": data.goals.strip(),
            "capacity": data.capacity or program.default_capacity,
            "enrolled_by": actor,
        },
    )
    if created:
        enrolment.give_skills.set(_profile_skills(person, "teach"))
        enrolment.get_skills.set(_profile_skills(person, "learn"))
        return enrolment
    enrolment.role = data.role
    if data.goals:
        enrolment.goals = data.goals.strip()
    if data.capacity:
        enrolment.capacity = data.capacity
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.withdrawn_at = None
    enrolment.save()
    return enrolment


def enrolments_add_people(
    actor: User, program: Program, *, people: Iterable[Person], role: str
) -> int:
    """A manager's bulk enrolment (picked on the enrol page, or everyone a search matches): one
    role for everyone. The newly enrolled (and the re-enrolled) each get an invitation.

    A fixed number of queries however many people: enrolments and their skills are written in
    bulk, under the programme's lock (so enrolment cannot close meanwhile)."""
    require_manager(actor, program)
    if role not in allowed_roles(program):
        raise ValidationFailed(
            {
                "role": [
                    _("In this programme the role must be one of: %(roles)s.")
                    % {"roles": ", ".join(allowed_roles(program))}
                ]
            }
        )
    if isinstance(people, QuerySet):
        person_ids = list(people.order_by().values_list("pk", flat=True).distinct())
    else:
        person_ids = list(dict.fromkeys(person.pk for person in people))
    if not person_ids:
        raise ValidationFailed({"people": [_("Pick at least one person.")]})
    with transaction.atomic():
        locked = Program.objects.select_for_update().only("status").get(pk=program.pk)
        program.status = locked.status
        if not program.enrolment_changeable:
            raise BalikError(
                _("Enrolment is closed: this programme is already %(status)s.")
                % {"status": program.get_status_display()},
                code="enrolment_closed",
            )
        invited: list[Enrolment] = []
        for start in range(0, len(person_ids), ENROL_CHUNK):
            chunk = person_ids[start : start + ENROL_CHUNK]
            invited += _enrol_in_bulk(actor, program, person_ids=chunk, role=role)
        invitations_send(invited, program=program, manager_name=actor.full_name)
    return len(person_ids)


def _enrol_in_bulk(
    actor: User | None, program: Program, *, person_ids: list[int], role: str
) -> list[Enrolment]:
    """Enrol `person_ids` as `role`: new enrolments take the skills on each profile, withdrawn
    ones come back, active ones take the new role. Returns the new and the returning ones, each
    with its person and user loaded."""
    existing = dict(
        Enrolment.objects.filter(program=program, person_id__in=person_ids).values_list(
            "person_id", "status"
        )
    )
    returning = [pk for pk, status in existing.items() if status != EnrolmentStatus.ACTIVE]
    Enrolment.objects.filter(program=program, person_id__in=list(existing)).update(
        role=role, status=EnrolmentStatus.ACTIVE, withdrawn_at=None
    )
    new_ids = [pk for pk in person_ids if pk not in existing]
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                program=program,
                person_id=pk,
                role=role,
                capacity=program.default_capacity,
                enrolled_by=actor,
            )
            for pk in new_ids
        ],
        ignore_conflicts=True,  # someone who enrolled themself meanwhile keeps their answers
        batch_size=500,
    )
    invited = list(
        Enrolment.objects.filter(program=program, person_id__in=[*new_ids, *returning])
        .select_related("person__user")
        .order_by("pk")
    )
    fresh = {e.person_id: e.pk for e in invited if e.person_id in set(new_ids)}
    give_through = Enrolment.give_skills.through
    get_through = Enrolment.get_skills.through
    gives, gets = [], []
    for skill in PersonSkill.objects.filter(person_id__in=list(fresh)).only(
        "person_id", "skill_id", "direction"
    ):
        if skill.direction == SkillDirection.TEACH:
            gives.append(give_through(enrolment_id=fresh[skill.person_id], skill_id=skill.skill_id))
        else:
            gets.append(get_through(enrolment_id=fresh[skill.person_id], skill_id=skill.skill_id))
    give_through.objects.bulk_create(gives, ignore_conflicts=True, batch_size=1000)
    get_through.objects.bulk_create(gets, ignore_conflicts=True, batch_size=1000)
    return invited


def self_enrolment_program(token: str) -> Program:
    program = Program.objects.filter(enrolment_token=token).first()
    if program is None or not program.enrolment_open:
        raise NotFound(_("This enrolment link is not valid or no longer open."))
    return program
