"""The mentorship page's forms and times."""

from datetime import datetime

from django import template
from django.utils import timezone

from balik.mentorships import forms, hooks
from balik.mentorships.forms import WorkspaceForm
from balik.mentorships.notices import moment_label

register = template.Library()

FORMS: dict[str, type[WorkspaceForm]] = {
    form.action: form
    for form in (
        forms.AgreementForm,
        forms.ConfirmForm,
        forms.GoalForm,
        forms.GoalUpdateForm,
        forms.ProposeForm,
        forms.AcceptForm,
        forms.RescheduleForm,
        forms.CancelForm,
        forms.AttendanceForm,
        forms.AgendaForm,
        forms.AnswerForm,
        forms.LearningForm,
        forms.NoteForm,
        forms.ActionForm,
        forms.ActionDoneForm,
        forms.CloseForm,
    )
}


@register.simple_tag(takes_context=True)
def workspace_form(context, action: str, target=None, source=None) -> WorkspaceForm:
    """The form `action` about `target` (a session, a goal), filled from `source` (the saved
    agenda, answer, ...); the refused form instead, as the reader typed it, when it is this one."""
    refused = context.get("refused")
    target_key = str(getattr(target, "pk", target)) if target not in (None, "") else ""
    if refused is not None and refused.action == action and refused.target == target_key:
        return refused
    form_class = FORMS.get(action) or hooks.workspace_form(action)
    if form_class is None:
        raise template.TemplateSyntaxError(f"no workspace form {action!r}")
    extra = {}
    if action == "close":
        extra["closes_now"] = context.get("closes_now", False)
    return form_class(
        mentorship=context["mentorship"],
        zone=context["zone"],
        target=target,
        initial=form_class.initial_from(source),
        me=context.get("me"),
        **extra,
    )


@register.filter
def moment(value: datetime | None) -> str:
    """A time with its day and zone, in the zone the page reads in."""
    if value is None:
        return ""
    return moment_label(timezone.localtime(value))


@register.filter
def local_input(value: datetime | None) -> str:
    """A time as a datetime-local input's value."""
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@register.simple_tag
def typed_times(form: forms.ProposeForm, suggestions: list[datetime]) -> list[str]:
    """The two "another time" inputs: what was typed there (not a suggestion), or empty."""
    offered = {local_input(moment) for moment in suggestions}
    typed = [value for value in form.raw_times() if value not in offered]
    return [*typed, "", ""][: max(2, len(typed))]
