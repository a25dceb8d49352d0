"""One form per action of the mentorship page.

A form reads and types what was posted (a session of this mentorship, a date, a time in the
reader's own zone); the rules stay in the services, whose refusals `refusal_beside(form)` puts
beside the field they name. A refused form is shown again bound, so nothing typed is lost.

The hidden fields that say what the form is about (`session`, `goal`, `item`) are checked
first: a form about a session that is not this mentorship's is no form to show again.
"""

from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balik.core.errors import ValidationFailed
from balik.mentorships.goals import goal_owners
from balik.mentorships.models import Attendance, GoalStatus, MeetingFormat, Mentorship, Side
from balik.people.models import Person

TARGETS = ("session", "goal", "item")


def _text(label: str, *, rows: int = 2, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


def _line(label: str, *, max_length: int, required: bool = False) -> forms.CharField:
    # the services trim and refuse; the form keeps what was typed as typed
    return forms.CharField(label=label, required=required, strip=False, max_length=max_length)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class LocalTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ManyTimes(forms.Widget):
    """Every posted `start` (the chosen suggestions and the times typed)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        getlist = getattr(data, "getlist", None)
        values = getlist(name) if getlist else [data.get(name, "")]
        return [value for value in values if value]


def local_time(value: str, zone: str) -> datetime | None:
    """A datetime-local value ("2026-12-01T09:30") read in the person's own time zone."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        return None
    return naive if naive.tzinfo is not None else naive.replace(tzinfo=ZoneInfo(zone))


class WorkspaceForm(forms.Form):
    """A form of the mentorship page, about `mentorship`, read in the reader's `zone`.

    `target` is the session, goal or action item the form is about (its hidden field), so that
    the page shows a refused form again in its own place."""

    action: ClassVar[str] = ""

    def __init__(
        self,
        data: Any = None,
        *,
        mentorship: Mentorship,
        zone: str = "UTC",
        target: object | None = None,
        initial: dict | None = None,
        me: Person | None = None,
    ) -> None:
        self.mentorship = mentorship
        self.zone = zone
        self.me = me
        target_pk = getattr(target, "pk", target)
        if target_pk is None and data is not None:
            target_pk = next((data.get(name) for name in TARGETS if data.get(name)), None)
        self.target = str(target_pk) if target_pk not in (None, "") else ""
        key = f"{self.action}-{self.target}" if self.target else self.action
        super().__init__(data, initial=initial, auto_id=f"{key}-%s")
        for name in TARGETS:
            if name in self.fields and target_pk not in (None, ""):
                self.fields[name].initial = target_pk

    @classmethod
    def initial_from(cls, source: object | None) -> dict[str, Any]:
        """The saved values of `source` (an agenda, an answer, ...) that fill this form."""
        if source is None:
            return {}
        return {name: getattr(source, name) for name in cls.base_fields if hasattr(source, name)}

    def refuse_stale_target(self) -> None:
        """A form about something that is not this mentorship's is refused as a message."""
        errors = {name: self.errors[name] for name in TARGETS if name in self.errors}
        if errors:
            raise ValidationFailed({name: list(messages) for name, messages in errors.items()})

    def point_at_first_error(self) -> None:
        """The first field in error takes the focus when the page is shown again."""
        for name, field in self.fields.items():
            if name in self.errors and not field.widget.is_hidden:
                field.widget.attrs["autofocus"] = True
                return

    @property
    def is_refused(self) -> bool:
        return self.is_bound and bool(self.errors)


def _hidden(*, required: bool = True) -> forms.CharField:
    return forms.CharField(required=required, widget=forms.HiddenInput)


def one_of(mentorship: Mentorship, rows: Any, value: str | None, refusal: str) -> Any:
    """The row of this mentorship whose key was posted, else the refusal."""
    found = rows.filter(pk=int(value)).first() if value and value.isdigit() else None
    if found is None:
        raise forms.ValidationError(refusal)
    found.mentorship = mentorship
    return found


class OfSession(WorkspaceForm):
    """A form about one session of this mentorship."""

    session = _hidden(required=False)

    def clean_session(self):
        return one_of(
            self.mentorship,
            self.mentorship.sessions,
            self.cleaned_data["session"],
            _("Choose a session of this mentorship."),
        )


class AgreementForm(WorkspaceForm):
    action = "agreement"
    goals = _text(gettext_lazy("What we want to achieve"), rows=3)
    meeting_place = _line(
        gettext_lazy("Where we meet (a place or a video-call link)"), max_length=300
    )
    mentor_expectations = _text(gettext_lazy("What the mentor can expect"), rows=3)
    mentee_expectations = _text(gettext_lazy("What the mentee can expect"), rows=3)
    cadence_days = forms.IntegerField(
        label=gettext_lazy("Days between sessions"), min_value=1, max_value=90
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=MeetingFormat.choices)
    confidentiality = _text(gettext_lazy("Confidentiality"), rows=3)
    ground_rules = _text(gettext_lazy("Ground rules"), rows=3)


class ConfirmForm(WorkspaceForm):
    action = "confirm"


class GoalForm(WorkspaceForm):
    action = "goal"
    title = _line(gettext_lazy("Goal"), max_length=200, required=True)
    measure = _line(gettext_lazy("How success is measured"), max_length=300, required=True)
    target = _line(gettext_lazy("Target value or outcome"), max_length=200, required=True)
    due_date = forms.DateField(label=gettext_lazy("Due date"), widget=DateInput)
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = goal_owners(self.mentorship)
        self.fields["owner"].choices = [(p.pk, p.full_name) for p in owners]
        if self.me is not None and not self.is_bound:
            self.fields["owner"].initial = self.me.pk
        if len(owners) == 1:
            self.fields["owner"].widget = forms.HiddenInput()
            self.fields["owner"].initial = owners[0].pk


class GoalUpdateForm(WorkspaceForm):
    action = "goal_update"
    goal = _hidden(required=False)
    value = forms.IntegerField(
        label=gettext_lazy("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
    )
    note = _line(gettext_lazy("Note"), max_length=2000)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=GoalStatus.choices)

    @classmethod
    def initial_from(cls, source: object | None) -> dict[str, Any]:
        if source is None:
            return {}
        return {"status": source.status, "value": getattr(source, "progress", None)}

    def clean_goal(self):
        return one_of(
            self.mentorship,
            self.mentorship.goals,
            self.cleaned_data["goal"],
            _("Choose a goal of this mentorship."),
        )

    def progress_text(self) -> str:
        value = self.cleaned_data.get("value")
        return "" if value is None else f"{value}%"


class ProposeForm(WorkspaceForm):
    """New times for a new session, or (with `session`) other times for a proposed one."""

    action = "propose"
    session = _hidden(required=False)
    start = forms.Field(label=gettext_lazy("Proposed times"), required=False, widget=ManyTimes)
    repeat = forms.TypedChoiceField(
        label=gettext_lazy("Sessions to book"),
        coerce=int,
        choices=[(n, n) for n in (1, 2, 4, 6, 8, 12)],
        required=False,
        empty_value=1,
    )
    leader = forms.ChoiceField(
        label=gettext_lazy("Who leads"), choices=Side.choices, required=False
    )

    def clean_start(self) -> list[datetime]:
        starts = [local_time(value, self.zone) for value in self.cleaned_data["start"] or []]
        if any(start is None for start in starts):
            raise forms.ValidationError(_("Give each time as a date and a time."))
        return starts

    def clean_session(self):
        if not self.cleaned_data["session"]:
            return None
        return one_of(
            self.mentorship,
            self.mentorship.sessions,
            self.cleaned_data["session"],
            _("Choose a session of this mentorship."),
        )

    def raw_times(self) -> list[str]:
        """What was typed or chosen, to show again."""
        return list(self["start"].value() or []) if self.is_bound else []


class AcceptForm(OfSession):
    action = "accept"
    option = _hidden(required=False)

    def clean_option(self) -> int:
        value = self.cleaned_data["option"]
        return int(value) if value.isdigit() else 0


class RescheduleForm(OfSession):
    action = "reschedule"
    start = forms.CharField(
        label=gettext_lazy("New time"), widget=LocalTimeInput, error_messages={}
    )
    reason = _line(gettext_lazy("Reason"), max_length=500, required=True)

    def clean_start(self) -> datetime:
        start = local_time(self.cleaned_data["start"], self.zone)
        if start is None:
            raise forms.ValidationError(_("Give the new date and time."))
        return start


class CancelForm(OfSession):
    action = "cancel"
    reason = _line(gettext_lazy("Reason"), max_length=500, required=True)


class AttendanceForm(OfSession):
    action = "attendance"
    attendance = forms.ChoiceField(
        label=gettext_lazy("What happened"), choices=[c for c in Attendance.choices if c[0]]
    )


class AgendaForm(OfSession):
    action = "agenda"
    topics = _text(gettext_lazy("Topics"))
    research = _text(gettext_lazy("Research done (notes and links)"))
    key_questions = _text(gettext_lazy("Key questions"))
    challenges = _text(gettext_lazy("Challenges for the other side"))
    objectives = _text(gettext_lazy("What I want to learn in this session"))
    submit = forms.CharField(required=False, widget=forms.HiddenInput)

    def wants_submit(self) -> bool:
        return self.data.get("submit") == "1"


class AnswerForm(OfSession):
    action = "answer"
    perspective = _text(gettext_lazy("Perspective"))
    resources = _text(gettext_lazy("Resources"))
    follow_up_questions = _text(gettext_lazy("Follow-up questions"))


class LearningForm(OfSession):
    action = "learning"
    taught = _text(gettext_lazy("What I taught"))
    learned = _text(gettext_lazy("What I learned"))


class NoteForm(WorkspaceForm):
    action = "note"
    session = _hidden(required=False)
    body = _text(gettext_lazy("A note"), rows=3)
    private = forms.BooleanField(
        label=gettext_lazy("Private: only I will ever see it"), required=False
    )

    def clean_session(self):
        if not self.cleaned_data["session"]:
            return None
        return one_of(
            self.mentorship,
            self.mentorship.sessions,
            self.cleaned_data["session"],
            _("Choose a session of this mentorship."),
        )


class ActionForm(WorkspaceForm):
    action = "action"
    title = _line(gettext_lazy("Action"), max_length=200, required=True)
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner"), coerce=int)
    due_date = forms.DateField(label=gettext_lazy("Due date"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        m = self.mentorship
        self.fields["owner"].choices = [
            (m.mentor_id, m.mentor.full_name),
            (m.mentee_id, m.mentee.full_name),
        ]
        if self.me is not None and not self.is_bound:
            self.fields["owner"].initial = self.me.pk


class ActionDoneForm(WorkspaceForm):
    action = "action_done"
    item = _hidden(required=False)
    done = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_item(self):
        return one_of(
            self.mentorship,
            self.mentorship.actions,
            self.cleaned_data["item"],
            _("Choose an action item of this mentorship."),
        )


class CloseForm(WorkspaceForm):
    action = "close"
    reflection = _text(gettext_lazy("Looking back"), rows=3)
    goals_outcome = _text(gettext_lazy("What came of our goals"), rows=3)
    match_again = forms.BooleanField(
        label=gettext_lazy("Match me again in a next round"), required=False
    )
    understood = forms.BooleanField(required=False)

    def __init__(self, *args: Any, closes_now: bool | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if closes_now is None:
            # saving closes the mentorship when the other person has written theirs
            others = self.mentorship.reflections.exclude(author=self.me)
            closes_now = self.me is not None and others.exists()
        self.closes_now = closes_now
        self.fields["understood"].label = _(
            "I understand: this closes the mentorship and cancels the sessions still to come."
        )
        if closes_now:
            self.fields["understood"].required = True
            self.fields["understood"].error_messages["required"] = _(
                "Tick this box to close the mentorship."
            )
