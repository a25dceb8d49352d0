"""A person's mentorships, and one mentorship's page (who, why, the role guide, declining)."""

from datetime import datetime
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

from balik.core.errors import BalikError, ValidationFailed
from balik.core.refusals import answers_refusals
from balik.mentorships import hooks
from balik.mentorships.access import person_of
from balik.mentorships.agendas import AGENDA_FIELDS, agenda_answer, agenda_save
from balik.mentorships.agreements import agreement_confirm, agreement_update
from balik.mentorships.closing import mentorship_close
from balik.mentorships.forms import (
    posted_action_item,
    posted_date,
    posted_goal,
    posted_int,
    posted_local_datetime,
    posted_session,
)
from balik.mentorships.goals import goal_add, goal_update
from balik.mentorships.hooks import WorkspaceAction
from balik.mentorships.models import (
    Attendance,
    GoalStatus,
    MeetingFormat,
    Mentorship,
    SessionStatus,
)
from balik.mentorships.notes import action_add, action_complete, learning_record, note_add
from balik.mentorships.notices import invite_bytes
from balik.mentorships.sessions import (
    TimeTaken,
    session_accept_option,
    session_cancel,
    session_counter_propose,
    session_propose,
    session_record_attendance,
    session_reschedule,
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


def _zone_of(request: HttpRequest) -> str:
    me = person_of(request.user)
    return me.timezone if me else "UTC"


def _agreement(request: HttpRequest, mentorship: Mentorship) -> str:
    post = request.POST
    cadence = posted_int(post.get("cadence_days"))
    agreement_update(
        request.user,
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
    return _("Agreement saved; the other side is asked to confirm it.")


def _confirm(request: HttpRequest, mentorship: Mentorship) -> str:
    agreement_confirm(request.user, mentorship)
    return _("You confirmed the agreement.")


def _goal(request: HttpRequest, mentorship: Mentorship) -> str:
    post = request.POST
    goal_add(
        request.user,
        mentorship,
        title=post.get("title", ""),
        measure=post.get("measure", ""),
        target=post.get("target", ""),
        due_date=posted_date(post.get("due_date")),
        owner_id=posted_int(post.get("owner")),
    )
    return _("Goal added.")


def _goal_update(request: HttpRequest, mentorship: Mentorship) -> str:
    post = request.POST
    goal_update(
        request.user,
        posted_goal(mentorship, request),
        value=post.get("value", ""),
        note=post.get("note", ""),
        status=post.get("status", ""),
    )
    return _("Progress recorded.")


def _propose(request: HttpRequest, mentorship: Mentorship) -> str:
    """New times for a new session, or other times for one the other person proposed."""
    hooks.check_session_write(mentorship, None, "propose")
    post = request.POST
    zone = _zone_of(request)
    starts = [posted_local_datetime(value, zone) for value in post.getlist("start") if value]
    if any(start is None for start in starts):
        raise ValidationFailed({"start": [_("Give each time as a date and a time.")]})
    if post.get("session"):
        session_counter_propose(request.user, posted_session(mentorship, request), starts=starts)
    else:
        session_propose(
            request.user,
            mentorship,
            starts=starts,
            leader=post.get("leader") or None,
            repeat=posted_int(post.get("repeat")) or 1,
        )
    return _("Times proposed; the other person chooses one.")


def _accept(request: HttpRequest, mentorship: Mentorship) -> str:
    session = posted_session(mentorship, request)
    hooks.check_session_write(mentorship, session, "accept")
    session_accept_option(
        request.user,
        session,
        option_id=posted_int(request.POST.get("option")) or 0,
    )
    return _("Session booked; the invite is on its way.")


def _reschedule(request: HttpRequest, mentorship: Mentorship) -> str:
    start = posted_local_datetime(request.POST.get("start"), _zone_of(request))
    if start is None:
        raise ValidationFailed({"start": [_("Give the new date and time.")]})
    session = posted_session(mentorship, request)
    hooks.check_session_write(mentorship, session, "move")
    session_reschedule(
        request.user,
        session,
        start=start,
        reason=request.POST.get("reason", ""),
    )
    return _("Session moved; both calendars get the update.")


def _cancel(request: HttpRequest, mentorship: Mentorship) -> str:
    session = posted_session(mentorship, request)
    hooks.check_session_write(mentorship, session, "cancel")
    session_cancel(request.user, session, reason=request.POST.get("reason", ""))
    return _("Session cancelled.")


def _attendance(request: HttpRequest, mentorship: Mentorship) -> str:
    session = posted_session(mentorship, request)
    hooks.check_session_write(mentorship, session, "attendance")
    session_record_attendance(
        request.user,
        session,
        attendance=request.POST.get("attendance", ""),
    )
    return _("Attendance recorded.")


def _agenda(request: HttpRequest, mentorship: Mentorship) -> str:
    post = request.POST
    submit = post.get("submit") == "1"
    agenda_save(
        request.user,
        posted_session(mentorship, request),
        submit=submit,
        **{name: post.get(name, "") for name in AGENDA_FIELDS},
    )
    return _("Agenda submitted.") if submit else _("Draft saved.")


def _answer(request: HttpRequest, mentorship: Mentorship) -> str:
    post = request.POST
    agenda_answer(
        request.user,
        posted_session(mentorship, request),
        perspective=post.get("perspective", ""),
        resources=post.get("resources", ""),
        follow_up_questions=post.get("follow_up_questions", ""),
    )
    return _("Your answer is saved.")


def _learning(request: HttpRequest, mentorship: Mentorship) -> str:
    post = request.POST
    learning_record(
        request.user,
        posted_session(mentorship, request),
        taught=post.get("taught", ""),
        learned=post.get("learned", ""),
    )
    return _("Learning log saved.")


def _note(request: HttpRequest, mentorship: Mentorship) -> str:
    post = request.POST
    note_add(
        request.user,
        mentorship,
        body=post.get("body", ""),
        private=post.get("private") == "1",
        session=posted_session(mentorship, request) if post.get("session") else None,
    )
    return _("Note saved.")


def _action(request: HttpRequest, mentorship: Mentorship) -> str:
    post = request.POST
    action_add(
        request.user,
        mentorship,
        title=post.get("title", ""),
        owner_id=posted_int(post.get("owner")),
        due_date=posted_date(post.get("due_date")),
    )
    return _("Action item added.")


def _action_done(request: HttpRequest, mentorship: Mentorship) -> str:
    item = posted_action_item(mentorship, request)
    action_complete(request.user, item, done=request.POST.get("done", "1") == "1")
    return _("Action item updated.")


def _close(request: HttpRequest, mentorship: Mentorship) -> str:
    post = request.POST
    mentorship_close(
        request.user,
        mentorship,
        reflection=post.get("reflection", ""),
        goals_outcome=post.get("goals_outcome", ""),
        match_again=post.get("match_again") == "1",
    )
    return _("Reflection saved. The mentorship closes when both of you have written one.")


# The page's own form actions, by the name in their URL; the apps above add theirs to
# `hooks.workspace_actions` (feedback posts `feedback`).
ACTIONS: dict[str, WorkspaceAction] = {
    "agreement": WorkspaceAction("agreement", _agreement),
    "confirm": WorkspaceAction("agreement", _confirm),
    "goal": WorkspaceAction("goals", _goal),
    "goal_update": WorkspaceAction("goals", _goal_update),
    "propose": WorkspaceAction("sessions", _propose),
    "accept": WorkspaceAction("sessions", _accept),
    "reschedule": WorkspaceAction("sessions", _reschedule),
    "cancel": WorkspaceAction("sessions", _cancel),
    "attendance": WorkspaceAction("sessions", _attendance),
    "agenda": WorkspaceAction("sessions", _agenda),
    "answer": WorkspaceAction("sessions", _answer),
    "learning": WorkspaceAction("learning", _learning),
    "note": WorkspaceAction("notes", _note),
    "action": WorkspaceAction("actions", _action),
    "action_done": WorkspaceAction("actions", _action_done),
    "close": WorkspaceAction("close", _close),
}


def _workspace_action(action: str) -> WorkspaceAction:
    found = hooks.workspace_actions.get(action) or ACTIONS.get(action)
    if found is None:
        raise Http404(_("Unknown action."))
    return found


def _page_at(mentorship_id: int, section: str) -> str:
    return reverse("mentorships:detail", args=[mentorship_id]) + f"#{section}"


def _back_to_section(request: HttpRequest, mentorship_id: int, action: str) -> str:
    """Where a refused action returns: the page, at the section of the form."""
    return _page_at(mentorship_id, _workspace_action(action).section)


def _tell_refusal(request: HttpRequest, refused: BalikError) -> None:
    """Each message after the label of the field it is about; a time just taken comes with
    the next times both people are free."""
    if isinstance(refused, ValidationFailed):
        labels = field_labels()
        for field, field_messages in refused.errors.items():
            label = labels.get(field)
            for text in field_messages:
                messages.error(request, f"{label}: {text}" if label else str(text))
        return
    messages.error(request, str(refused.message))
    if isinstance(refused, TimeTaken) and refused.next_free_times:
        messages.info(request, _free_times_message(request, refused.next_free_times))


@login_required
@require_POST
@answers_refusals(back=_back_to_section, tell=_tell_refusal)
def act(request: HttpRequest, mentorship_id: int, action: str) -> HttpResponse:
    mentorship, side = visible_mentorship(request, mentorship_id)
    if side == "manager":
        raise PermissionDenied(_("Programme managers see this mentorship but do not act in it."))
    workspace_action = _workspace_action(action)
    messages.success(request, workspace_action.run(request, mentorship))
    return redirect(_page_at(mentorship.pk, workspace_action.section))


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
