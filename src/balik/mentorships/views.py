"""A person's mentorships, and one mentorship's page (who, why, the role guide, declining)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from balik.core.errors import BalikError, ValidationFailed
from balik.core.refusals import answers_refusals, refusal_beside
from balik.mentorships import forms, hooks
from balik.mentorships.access import partner_of, person_of
from balik.mentorships.agendas import AGENDA_FIELDS, agenda_answer, agenda_save
from balik.mentorships.agreements import agreement_confirm, agreement_update
from balik.mentorships.closing import mentorship_close
from balik.mentorships.forms import WorkspaceForm
from balik.mentorships.goals import goal_add, goal_update
from balik.mentorships.hooks import WorkspaceAction
from balik.mentorships.models import Mentorship, SessionStatus
from balik.mentorships.notes import action_add, action_complete, learning_record, note_add
from balik.mentorships.notices import invite_bytes, moment_at
from balik.mentorships.selectors import visible_mentorship
from balik.mentorships.sessions import (
    TimeTaken,
    session_accept_option,
    session_cancel,
    session_counter_propose,
    session_propose,
    session_record_attendance,
    session_reschedule,
)
from balik.mentorships.workspace import next_step, suggested_times, workspace


@login_required
@require_GET
def detail(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship, side = visible_mentorship(request, mentorship_id)
    return _page(request, mentorship, side)


def _page(
    request: HttpRequest, mentorship: Mentorship, side: str, *, refused: WorkspaceForm | None = None
) -> HttpResponse:
    """The mentorship page; with `refused`, that form shown again in its place, as typed,
    open, its message beside the field and the focus on it."""
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
        refused=refused,
        next_step=next_step(context, mentorship),
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


def _zone_of(request: HttpRequest) -> str:
    me = person_of(request.user)
    return me.timezone if me else "UTC"


def _agreement(request: HttpRequest, mentorship: Mentorship, form: forms.AgreementForm) -> str:
    agreement_update(request.user, mentorship, **form.cleaned_data)
    return _("Agreement saved; the other side is asked to confirm it.")


def _confirm(request: HttpRequest, mentorship: Mentorship, form: forms.ConfirmForm) -> str:
    agreement_confirm(request.user, mentorship)
    return _("You confirmed the agreement.")


def _goal(request: HttpRequest, mentorship: Mentorship, form: forms.GoalForm) -> str:
    data = form.cleaned_data
    goal_add(
        request.user,
        mentorship,
        title=data["title"],
        measure=data["measure"],
        target=data["target"],
        due_date=data["due_date"],
        owner_id=data["owner"],
    )
    return _("Goal added.")


def _goal_update(request: HttpRequest, mentorship: Mentorship, form: forms.GoalUpdateForm) -> str:
    data = form.cleaned_data
    goal_update(
        request.user,
        data["goal"],
        value=form.progress_text(),
        note=data["note"],
        status=data["status"],
    )
    return _("Progress recorded.")


def _options_at(refused: ValidationFailed, field: str) -> ValidationFailed:
    """The services name the proposed times `options`; the form's field is `field`."""
    return ValidationFailed(
        {(field if name == "options" else name): errors for name, errors in refused.errors.items()}
    )


def _propose(request: HttpRequest, mentorship: Mentorship, form: forms.ProposeForm) -> str:
    """New times for a new session, or other times for one the other person proposed."""
    data = form.cleaned_data
    hooks.check_session_write(mentorship, data["session"], "propose")
    try:
        if data["session"] is not None:
            session_counter_propose(request.user, data["session"], starts=data["start"])
        else:
            session_propose(
                request.user,
                mentorship,
                starts=data["start"],
                leader=data["leader"] or None,
                repeat=data["repeat"] or 1,
            )
    except ValidationFailed as refused:
        raise _options_at(refused, "start") from None
    return _("Times proposed; the other person chooses one.")


def _accept(request: HttpRequest, mentorship: Mentorship, form: forms.AcceptForm) -> str:
    data = form.cleaned_data
    hooks.check_session_write(mentorship, data["session"], "accept")
    session_accept_option(request.user, data["session"], option_id=data["option"])
    return _("Session booked; the invite is on its way.")


def _reschedule(request: HttpRequest, mentorship: Mentorship, form: forms.RescheduleForm) -> str:
    data = form.cleaned_data
    hooks.check_session_write(mentorship, data["session"], "move")
    session_reschedule(request.user, data["session"], start=data["start"], reason=data["reason"])
    return _("Session moved; both calendars get the update.")


def _cancel(request: HttpRequest, mentorship: Mentorship, form: forms.CancelForm) -> str:
    hooks.check_session_write(mentorship, form.cleaned_data["session"], "cancel")
    session_cancel(request.user, form.cleaned_data["session"], reason=form.cleaned_data["reason"])
    return _("Session cancelled.")


def _attendance(request: HttpRequest, mentorship: Mentorship, form: forms.AttendanceForm) -> str:
    data = form.cleaned_data
    hooks.check_session_write(mentorship, data["session"], "attendance")
    session_record_attendance(request.user, data["session"], attendance=data["attendance"])
    return _("Attendance recorded.")


def _agenda(request: HttpRequest, mentorship: Mentorship, form: forms.AgendaForm) -> str:
    data = form.cleaned_data
    submit = form.wants_submit()
    agenda_save(
        request.user,
        data["session"],
        submit=submit,
        **{name: data[name] for name in AGENDA_FIELDS},
    )
    return _("Agenda submitted.") if submit else _("Draft saved.")


def _answer(request: HttpRequest, mentorship: Mentorship, form: forms.AnswerForm) -> str:
    data = form.cleaned_data
    agenda_answer(
        request.user,
        data["session"],
        perspective=data["perspective"],
        resources=data["resources"],
        follow_up_questions=data["follow_up_questions"],
    )
    return _("Your answer is saved.")


def _learning(request: HttpRequest, mentorship: Mentorship, form: forms.LearningForm) -> str:
    data = form.cleaned_data
    learning_record(request.user, data["session"], taught=data["taught"], learned=data["learned"])
    return _("Learning log saved.")


def _note(request: HttpRequest, mentorship: Mentorship, form: forms.NoteForm) -> str:
    data = form.cleaned_data
    note_add(
        request.user,
        mentorship,
        body=data["body"],
        private=data["private"],
        session=data["session"],
    )
    return _("Note saved.")


def _action(request: HttpRequest, mentorship: Mentorship, form: forms.ActionForm) -> str:
    data = form.cleaned_data
    action_add(
        request.user,
        mentorship,
        title=data["title"],
        owner_id=data["owner"],
        due_date=data["due_date"],
    )
    return _("Action item added.")


def _action_done(request: HttpRequest, mentorship: Mentorship, form: forms.ActionDoneForm) -> str:
    data = form.cleaned_data
    action_complete(request.user, data["item"], done=data["done"] != "0")
    return _("Action item updated.")


def _close(request: HttpRequest, mentorship: Mentorship, form: forms.CloseForm) -> str:
    data = form.cleaned_data
    mentorship_close(
        request.user,
        mentorship,
        reflection=data["reflection"],
        goals_outcome=data["goals_outcome"],
        match_again=data["match_again"],
    )
    mentorship.refresh_from_db(fields=["status", "ended_at"])
    if mentorship.is_active:
        partner = partner_of(mentorship, person=person_of(request.user))
        return _(
            "Your reflection is saved. The mentorship closes when %(name)s has written one too."
        ) % {"name": partner.full_name}
    return _(
        "The mentorship is closed. Sessions still to come were cancelled and both of you were "
        "told. Everything you wrote stays here to read."
    )


# The page's own form actions, by the name in their URL; the apps above add theirs to
# `hooks.workspace_actions` (feedback posts `feedback`).
ACTIONS: dict[str, WorkspaceAction] = {
    "agreement": WorkspaceAction("agreement", forms.AgreementForm, _agreement),
    "confirm": WorkspaceAction("agreement", forms.ConfirmForm, _confirm),
    "goal": WorkspaceAction("goals", forms.GoalForm, _goal),
    "goal_update": WorkspaceAction("goals", forms.GoalUpdateForm, _goal_update),
    "propose": WorkspaceAction("sessions", forms.ProposeForm, _propose),
    "accept": WorkspaceAction("sessions", forms.AcceptForm, _accept),
    "reschedule": WorkspaceAction("sessions", forms.RescheduleForm, _reschedule),
    "cancel": WorkspaceAction("sessions", forms.CancelForm, _cancel),
    "attendance": WorkspaceAction("sessions", forms.AttendanceForm, _attendance),
    "agenda": WorkspaceAction("agenda", forms.AgendaForm, _agenda),
    "answer": WorkspaceAction("agenda", forms.AnswerForm, _answer),
    "learning": WorkspaceAction("learning", forms.LearningForm, _learning),
    "note": WorkspaceAction("notes", forms.NoteForm, _note),
    "action": WorkspaceAction("actions", forms.ActionForm, _action),
    "action_done": WorkspaceAction("actions", forms.ActionDoneForm, _action_done),
    "close": WorkspaceAction("close", forms.CloseForm, _close),
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
    """One form of the page: done, back to its section with a message; refused, the page
    again with the form as typed and the message beside the field."""
    mentorship, side = visible_mentorship(request, mentorship_id)
    if side == "manager":
        raise PermissionDenied(_("Programme managers see this mentorship but do not act in it."))
    workspace_action = _workspace_action(action)
    me = person_of(request.user)
    form = workspace_action.form(
        request.POST, mentorship=mentorship, zone=me.timezone if me else "UTC", me=me
    )
    if form.is_valid():
        with refusal_beside(form):
            try:
                done = workspace_action.run(request, mentorship, form)
            except TimeTaken as taken:
                form.add_error(None, str(taken.message))
                if taken.next_free_times:
                    form.add_error(None, _free_times_message(request, taken.next_free_times))
    form.refuse_stale_target()
    if form.errors:
        form.point_at_first_error()
        return _page(request, mentorship, side, refused=form)
    messages.success(request, done)
    return redirect(_page_at(mentorship.pk, workspace_action.section))


def _free_times_message(request: HttpRequest, moments: list[datetime]) -> str:
    """The next free times, as the reader's own clock shows them, with the zone."""
    zone = _zone_of(request)
    return _("Times you are both free next (in your time zone): %(times)s.") % {
        "times": "; ".join(moment_at(moment, zone) for moment in moments)
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
