"""A person's mentorships, and one mentorship's page (who, why, the role guide, declining)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.mentorships import hooks
from balik.mentorships.access import person_of
from balik.mentorships.agendas import AGENDA_FIELDS, answer_agenda, save_agenda
from balik.mentorships.agreements import confirm_agreement, update_agreement
from balik.mentorships.closing import reflect_and_close
from balik.mentorships.goals import add_goal, update_goal
from balik.mentorships.models import (
    Attendance,
    GoalStatus,
    MeetingFormat,
    Mentorship,
    Session,
    SessionStatus,
)
from balik.mentorships.notes import add_action, add_note, complete_action, record_learning
from balik.mentorships.notices import invite_bytes
from balik.mentorships.sessions import (
    TimeTaken,
    accept_option,
    cancel,
    counter_propose,
    propose_session,
    record_attendance,
    reschedule,
)
from balik.mentorships.workspace import suggested_times, workspace
from balik.programs.services import can_manage


def visible_mentorship(request: HttpRequest, mentorship_id: int) -> tuple[Mentorship, str]:
    """The mentorship and the viewer's side: "mentor", "mentee" or "manager"; 404 otherwise."""
    mentorship = (
        Mentorship.objects.select_related("program", "mentor__user", "mentee__user", "declined_by")
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None:
        raise Http404(_("There is no such mentorship."))
    if mentorship.mentor.user_id == request.user.pk:
        return mentorship, "mentor"
    if mentorship.mentee.user_id == request.user.pk:
        return mentorship, "mentee"
    if can_manage(request.user, mentorship.program):
        return mentorship, "manager"
    raise PermissionDenied(_("Only the people in this mentorship and its managers can see it."))


@login_required
@require_GET
def mentorship_list(request: HttpRequest) -> HttpResponse:
    mentorships = (
        Mentorship.objects.filter(Q(mentor__user=request.user) | Q(mentee__user=request.user))
        .select_related("program", "mentor", "mentee")
        .order_by("status", "-created_at")
    )
    return render(request, "mentorships/list.html", {"mentorships": mentorships})


@login_required
@require_GET
def detail(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship, side = visible_mentorship(request, mentorship_id)
    program = mentorship.program
    guide = program.mentor_guide if side == "mentor" else program.mentee_guide
    context = workspace(request.user, mentorship)
    suggestions = []
    if context["member"] and mentorship.is_active:
        suggestions = suggested_times(mentorship, context["zone"])
    context.update(
        mentorship=mentorship,
        guide=guide if side != "manager" else "",
        reasons=hooks.reason_sentences(mentorship.reasons),
        suggestions=suggestions,
        attendance_choices=[c for c in Attendance.choices if c[0]],
        goal_statuses=GoalStatus.choices,
        formats=MeetingFormat.choices,
        series_choices=[1, 2, 4, 6, 8, 12],
        one_to_five=range(1, 6),
    )
    # every time on the page reads in the viewer's own zone, as the forms parse them
    with timezone.override(ZoneInfo(context["zone"])):
        return render(request, "mentorships/detail.html", context)


def field_labels() -> dict[str, str]:
    """The names people see for the fields a workspace error may point at."""
    return {
        "title": _("Goal or action"),
        "measure": _("How success is measured"),
        "target": _("Target value or outcome"),
        "due_date": _("Due date"),
        "owner": _("Owner"),
        "options": _("Proposed times"),
        "option": _("Proposed time"),
        "start": _("Time"),
        "reason": _("Reason"),
        "leader": _("Who leads"),
        "repeat": _("Sessions to book"),
        "topics": _("Topics"),
        "key_questions": _("Key questions"),
        "objectives": _("What I want to learn in this session"),
        "perspective": _("Perspective"),
        "body": _("Note"),
        "taught": _("What I taught"),
        "learned": _("What I learned"),
        "reflection": _("Looking back"),
        "cadence_days": _("Days between sessions"),
        "format": _("Format"),
        "meeting_place": _("Where we meet"),
        "attendance": _("Attendance"),
        "value": _("Progress"),
        "note": _("Note"),
        "status": _("Status"),
        "session": _("Session"),
        "rating": _("Overall"),
        "usefulness": _("How useful it was"),
        "preparation": _("How well it was prepared"),
        "psychological_safety": _("I could speak openly and was heard"),
        "comment": _("Comment"),
    }


def _local_datetime(value: str, zone: str) -> datetime | None:
    """A datetime-local field ("2026-12-01T09:30") read in the person's own time zone."""
    try:
        naive = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(zone))


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def posted_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def posted_session(mentorship: Mentorship, request: HttpRequest) -> Session:
    session = mentorship.sessions.filter(pk=posted_int(request.POST.get("session"))).first()
    if session is None:
        raise ValidationFailed({"session": [_("Choose a session of this mentorship.")]})
    return session


def _act(request: HttpRequest, mentorship: Mentorship, action: str) -> tuple[str, str]:
    """Run one workspace action; returns (the section to go back to, a success message)."""
    post, user = request.POST, request.user
    me = person_of(user)
    zone = me.timezone if me else "UTC"
    if action in hooks.workspace_actions:
        return hooks.workspace_actions[action](request, mentorship)
    if action == "agreement":
        cadence = posted_int(post.get("cadence_days"))
        update_agreement(
            user,
            mentorship,
            goals=post.get("goals", ""),
            mentor_expectations=post.get("mentor_expectations", ""),
            mentee_expectations=post.get("mentee_expectations", ""),
            cadence_days=cadence if cadence is not None else -1,
            format=post.get("format", ""),
            meeting_place=post.get("meeting_place", ""),
            confidentiality=post.get("confidentiality", ""),
            ground_rules=post.get("ground_rules", ""),
        )
        return "agreement", _("Agreement saved; the other side is asked to confirm it.")
    if action == "confirm":
        confirm_agreement(user, mentorship)
        return "agreement", _("You confirmed the agreement.")
    if action == "goal":
        add_goal(
            user,
            mentorship,
            title=post.get("title", ""),
            measure=post.get("measure", ""),
            target=post.get("target", ""),
            due_date=_date(post.get("due_date", "")),
            owner_id=posted_int(post.get("owner")),
        )
        return "goals", _("Goal added.")
    if action == "goal_update":
        goal = mentorship.goals.filter(pk=posted_int(post.get("goal"))).first()
        if goal is None:
            raise ValidationFailed({"goal": [_("Choose a goal of this mentorship.")]})
        update_goal(
            user,
            goal,
            value=post.get("value", ""),
            note=post.get("note", ""),
            status=post.get("status", ""),
        )
        return "goals", _("Progress recorded.")
    if action == "propose":
        starts = [_local_datetime(v, zone) for v in post.getlist("start") if v]
        if any(start is None for start in starts):
            raise ValidationFailed({"start": [_("Give each time as a date and a time.")]})
        session = post.get("session")
        if session:
            counter_propose(user, posted_session(mentorship, request), starts=starts)
        else:
            propose_session(
                user,
                mentorship,
                starts=starts,
                leader=post.get("leader") or None,
                repeat=posted_int(post.get("repeat")) or 1,
            )
        return "sessions", _("Times proposed; the other person chooses one.")
    if action == "accept":
        accept_option(
            user, posted_session(mentorship, request), option_id=posted_int(post.get("option")) or 0
        )
        return "sessions", _("Session booked; the invite is on its way.")
    if action == "reschedule":
        start = _local_datetime(post.get("start", ""), zone)
        if start is None:
            raise ValidationFailed({"start": [_("Give the new date and time.")]})
        reschedule(
            user, posted_session(mentorship, request), start=start, reason=post.get("reason", "")
        )
        return "sessions", _("Session moved; both calendars get the update.")
    if action == "cancel":
        cancel(user, posted_session(mentorship, request), reason=post.get("reason", ""))
        return "sessions", _("Session cancelled.")
    if action == "attendance":
        record_attendance(
            user, posted_session(mentorship, request), attendance=post.get("attendance", "")
        )
        return "sessions", _("Attendance recorded.")
    if action == "agenda":
        submit = post.get("submit") == "1"
        save_agenda(
            user,
            posted_session(mentorship, request),
            submit=submit,
            **{name: post.get(name, "") for name in AGENDA_FIELDS},
        )
        return "sessions", _("Agenda submitted.") if submit else _("Draft saved.")
    if action == "answer":
        answer_agenda(
            user,
            posted_session(mentorship, request),
            perspective=post.get("perspective", ""),
            resources=post.get("resources", ""),
            follow_up_questions=post.get("follow_up_questions", ""),
        )
        return "sessions", _("Your answer is saved.")
    if action == "learning":
        record_learning(
            user,
            posted_session(mentorship, request),
            taught=post.get("taught", ""),
            learned=post.get("learned", ""),
        )
        return "learning", _("Learning log saved.")
    if action == "note":
        session = posted_session(mentorship, request) if post.get("session") else None
        add_note(
            user,
            mentorship,
            body=post.get("body", ""),
            private=post.get("private") == "1",
            session=session,
        )
        return "notes", _("Note saved.")
    if action == "action":
        add_action(
            user,
            mentorship,
            title=post.get("title", ""),
            owner_id=posted_int(post.get("owner")),
            due_date=_date(post.get("due_date", "")),
        )
        return "actions", _("Action item added.")
    if action == "action_done":
        item = mentorship.actions.filter(pk=posted_int(post.get("item"))).first()
        if item is None:
            raise ValidationFailed({"item": [_("Choose an action item of this mentorship.")]})
        complete_action(user, item, done=post.get("done", "1") == "1")
        return "actions", _("Action item updated.")
    if action == "close":
        reflect_and_close(
            user,
            mentorship,
            reflection=post.get("reflection", ""),
            goals_outcome=post.get("goals_outcome", ""),
            match_again=post.get("match_again") == "1",
        )
        return "close", _(
            "Reflection saved. The mentorship closes when both of you have written one."
        )
    raise Http404(_("Unknown action."))


@login_required
@require_POST
def act(request: HttpRequest, mentorship_id: int, action: str) -> HttpResponse:
    mentorship, side = visible_mentorship(request, mentorship_id)
    if side == "manager":
        raise PermissionDenied(_("Programme managers see this mentorship but do not act in it."))
    section = "top"
    try:
        section, message = _act(request, mentorship, action)
    except ValidationFailed as failure:
        labels = field_labels()
        for field, field_messages in failure.errors.items():
            for text in field_messages:
                label = labels.get(field)
                messages.error(request, f"{label}: {text}" if label else text)
    except PermissionRefused as refused:
        raise PermissionDenied(str(refused.message)) from None
    except TimeTaken as taken:
        section = "sessions"
        messages.error(request, str(taken.message))
        if taken.next_free_times:
            messages.info(request, _free_times_message(request, taken.next_free_times))
    except BalikError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, message)
    return redirect(reverse("mentorships:detail", args=[mentorship.pk]) + f"#{section}")


def _free_times_message(request: HttpRequest, moments: list[datetime]) -> str:
    """The next free times, as the reader's own clock shows them."""
    me = person_of(request.user)
    zone = ZoneInfo(me.timezone if me else "UTC")
    times = [date_format(timezone.localtime(m, zone), "DATETIME_FORMAT") for m in moments]
    return _("Times you are both free next (in your time zone): %(times)s.") % {
        "times": "; ".join(times)
    }


@login_required
@require_GET
def invite(request: HttpRequest, mentorship_id: int, session_id: int) -> HttpResponse:
    mentorship, side = visible_mentorship(request, mentorship_id)
    if side == "manager":
        raise PermissionDenied(_("Only the two people in this mentorship get its invites."))
    session = mentorship.sessions.filter(pk=session_id, starts_at__isnull=False).first()
    if session is None or session.status == SessionStatus.PROPOSED:
        raise Http404(_("This session has no time yet."))
    response = HttpResponse(invite_bytes(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="balik-session-{session.pk}.ics"'
    return response
