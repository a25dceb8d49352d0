"""Forms for programmes and enrolment: they type the input; services.py holds the rules."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from balik.accounts.models import User
from balik.core.widgets import QuickSelectMultiple
from balik.people.forms import DirectoryFilterForm
from balik.people.models import Person, Skill
from balik.programs.catalog import (
    DEFAULT_SENIORITY_GAP,
    TEMPLATES,
    TEMPLATES_BY_SLUG,
    readiness_questions,
)
from balik.programs.models import EnrolmentRole, Program, ProgramKind
from balik.programs.selectors import InProgramme
from balik.programs.services import WEIGHT_NAMES, allowed_roles, roles_of_kind


def _template_choices() -> list[tuple[str, str]]:
    return [
        (template.slug, f"{template.name} ({ProgramKind(template.kind).label})")
        for template in TEMPLATES
    ] + [
        (f"blank-{kind}", _("Blank %(kind)s programme") % {"kind": label})
        for kind, label in ProgramKind.choices
    ]


def template_kind(choice: str) -> tuple[str, str | None]:
    """(kind, template slug or None) of a choice of `_template_choices`."""
    if choice.startswith("blank-"):
        return choice.removeprefix("blank-"), None
    return TEMPLATES_BY_SLUG[choice].kind, choice


class ProgramSetupForm(forms.Form):
    """The guided set-up after a template is chosen: the few questions every programme needs,
    in plain words; the advanced settings (`ADVANCED`) are shown folded away."""

    ADVANCED = ("slug", "min_score", "seniority_gap", *(f"weight_{n}" for n in WEIGHT_NAMES))

    template = forms.ChoiceField(choices=[], widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Name"),
        max_length=160,
        help_text=_("What people will see in their invitation and on their home page."),
    )
    start_date = forms.DateField(
        label=_("Starts on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    who_may_join = forms.ChoiceField(
        label=_("Who may join"),
        choices=[
            ("link", _("Anyone with the link: you share a link, people enrol themselves")),
            ("invitation", _("By invitation: you choose the people and enrol them")),
        ],
        initial="invitation",
        widget=forms.RadioSelect,
    )
    matching = forms.ChoiceField(
        label=_("How people are paired"),
        choices=[
            (
                "managers",
                _("Managers propose the pairs: Balik suggests the best pairs, you review them"),
            ),
            (
                "mentees",
                _(
                    "Mentees choose their mentor from their five best suggestions; you pair "
                    "whoever has not chosen"
                ),
            ),
        ],
        initial="managers",
        widget=forms.RadioSelect,
    )
    invite = forms.ModelMultipleChoiceField(
        label=_("Invite people now (optional)"),
        queryset=Person.objects.order_by("full_name"),
        required=False,
        widget=QuickSelectMultiple,
        help_text=_("They are enrolled and get an invitation. You can add more people later."),
    )
    invite_role = forms.ChoiceField(label=_("They take part as"), choices=[], required=False)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        required=False,
        help_text=_("The last part of the programme's link; left empty, it is made from the name."),
    )
    min_score = forms.FloatField(
        label=_("Minimum score"),
        min_value=0,
        max_value=1,
        required=False,
        help_text=_(
            "Pairs that fit less than this (0 to 1) are never proposed; people stay unmatched "
            "rather than get a poor match."
        ),
    )
    seniority_gap = forms.IntegerField(
        label=_("Seniority gap"),
        min_value=0,
        max_value=9,
        required=False,
        help_text=_(
            "How many seniority levels must separate the two people (the mentee is the senior "
            "in reverse mentoring)."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = _template_choices()
        choice = self.data.get("template") or self.initial.get("template") or ""
        kind, template = (
            template_kind(choice) if choice in dict(_template_choices()) else ("classic", None)
        )
        chosen = TEMPLATES_BY_SLUG.get(template or "")
        labels = dict(EnrolmentRole.choices)
        self.fields["invite_role"].choices = [(role, labels[role]) for role in roles_of_kind(kind)]
        self.fields["min_score"].initial = chosen.min_score if chosen else 0.15
        self.fields["seniority_gap"].initial = (
            chosen.seniority_gap if chosen else DEFAULT_SENIORITY_GAP.get(kind, 1)
        )
        weights = (chosen.weights if chosen else {}) or {}
        for name in WEIGHT_NAMES:
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=WEIGHT_LABELS[name],
                min_value=0,
                max_value=10,
                required=False,
                initial=weights.get(name),
                help_text=WEIGHT_HELP[name],
            )

    def plain_fields(self) -> list:
        return [field for field in self.visible_fields() if field.name not in self.ADVANCED]

    def advanced_fields(self) -> list:
        return [self[name] for name in self.ADVANCED]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The programme must end after it starts."))
        cleaned["weights"] = _weights(self, cleaned)
        if cleaned.get("invite") and not cleaned.get("invite_role"):
            self.add_error("invite_role", _("Say how the invited people take part."))
        return cleaned

    def settings(self) -> dict:
        """The programme's settings from the answers (empty advanced fields keep the
        template's values)."""
        data = self.cleaned_data
        values = {
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "enrolment_open": data["who_may_join"] == "link",
            "self_match": data["matching"] == "mentees",
        }
        for name in ("min_score", "seniority_gap"):
            if data.get(name) is not None:
                values[name] = data[name]
        if data["weights"]:
            values["weights"] = data["weights"]
        return values


def _weights(form: forms.Form, cleaned: dict) -> dict[str, float]:
    """All the weights or none; at least one above 0."""
    weights = {
        name: cleaned.get(f"weight_{name}")
        for name in WEIGHT_NAMES
        if cleaned.get(f"weight_{name}") is not None
    }
    if weights and len(weights) != len(WEIGHT_NAMES):
        form.add_error(None, _("Give every weight, or leave them all empty."))
    elif weights and sum(weights.values()) <= 0:
        form.add_error(None, _("At least one weight must be above 0."))
    return weights


class ProgramSettingsForm(forms.ModelForm):
    managers = forms.ModelMultipleChoiceField(
        label=_("Managers of this programme"),
        queryset=User.objects.none(),
        widget=QuickSelectMultiple,
        help_text=_("Organisation admins and programme managers."),
    )
    suggested_goals_text = forms.CharField(
        label=_("Suggested goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    agenda_prompts_text = forms.CharField(
        label=_("Agenda prompts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "description",
            "start_date",
            "end_date",
            "cadence_days",
            "session_minutes",
            "format_preference",
            "preparation_hours",
            "seniority_gap",
            "manager_chain_depth",
            "require_different_department",
            "min_score",
            "default_capacity",
            "self_match",
            "enrolment_open",
            "mentor_guide",
            "mentee_guide",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "mentor_guide": forms.Textarea(attrs={"rows": 5}),
            "mentee_guide": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        program: Program = self.instance
        self.fields["managers"].queryset = User.objects.filter(
            Q(is_program_manager=True) | Q(is_org_admin=True), is_active=True
        ).order_by("full_name")
        self.fields["managers"].initial = list(program.managers.all()) if program.pk else []
        self.fields["suggested_goals_text"].initial = "\n".join(program.suggested_goals or [])
        self.fields["agenda_prompts_text"].initial = "\n".join(program.agenda_prompts or [])
        weights = program.weights or {}
        for name in WEIGHT_NAMES:
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=WEIGHT_LABELS[name],
                min_value=0,
                max_value=10,
                required=False,
                initial=weights.get(name),
                help_text=_("Empty: the default for this kind of programme."),
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The programme must end after it starts."))
        cleaned["weights"] = _weights(self, cleaned)
        return cleaned

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["weights"] = self.cleaned_data["weights"]
        data["suggested_goals"] = _lines(self.cleaned_data["suggested_goals_text"])
        data["agenda_prompts"] = _lines(self.cleaned_data["agenda_prompts_text"])
        return data


WEIGHT_LABELS = {
    "skill_fit": _("Weight: skill fit"),
    "reciprocal_fit": _("Weight: learning back"),
    "availability": _("Weight: time in common"),
    "goal_similarity": _("Weight: similar goals"),
    "preference": _("Weight: asked for each other"),
    "department_diversity": _("Weight: different departments"),
}

WEIGHT_HELP = {
    "skill_fit": _("How much it counts that one can teach what the other wants to learn."),
    "reciprocal_fit": _("How much it counts that the mentee can teach something back."),
    "availability": _("How much it counts that both have free time at the same hours."),
    "goal_similarity": _("How much it counts that both wrote similar goals."),
    "preference": _("How much it counts that one asked to be paired with the other."),
    "department_diversity": _("How much it counts that they work in different departments."),
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class EnrolmentForm(forms.Form):
    """What a person answers when they enrol (or a manager on their behalf)."""

    role = forms.ChoiceField(label=_("I take part as"), choices=[])
    goals = forms.CharField(
        label=_("My goals in this programme"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In your own words, in English or Bahasa Indonesia."),
    )
    give_skills = forms.ModelMultipleChoiceField(
        label=_("Skills I can give"),
        queryset=Skill.objects.none(),
        required=False,
        widget=QuickSelectMultiple,
    )
    get_skills = forms.ModelMultipleChoiceField(
        label=_("Skills I want to get"),
        queryset=Skill.objects.none(),
        required=False,
        widget=QuickSelectMultiple,
        help_text=_("Hold Ctrl (⌘ on a Mac) to pick several."),
    )
    capacity = forms.IntegerField(
        label=_("How many mentees I can take"), min_value=1, max_value=10, required=False
    )
    prefer = forms.ModelMultipleChoiceField(
        label=_("People I would like to be paired with"),
        queryset=Person.objects.none(),
        required=False,
        widget=QuickSelectMultiple,
    )
    avoid = forms.ModelMultipleChoiceField(
        label=_("People I would rather not be paired with"),
        queryset=Person.objects.none(),
        required=False,
        widget=QuickSelectMultiple,
        help_text=_("Only the matching uses this; nobody else sees it."),
    )

    def __init__(self, *args, program: Program, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.program, self.person = program, person
        labels = dict(EnrolmentRole.choices)
        self.fields["role"].choices = [(role, labels[role]) for role in allowed_roles(program)]
        skills = Skill.objects.order_by("name_en")
        self.fields["give_skills"].queryset = skills
        self.fields["get_skills"].queryset = skills
        others = (
            Person.objects.filter(enrolments__program=program)
            .exclude(pk=person.pk)
            .order_by("full_name")
        )
        self.fields["prefer"].queryset = others
        self.fields["avoid"].queryset = others
        # every role's questions are shown; the service requires the chosen role's answers
        for key, question, kind in readiness_questions(program.kind, "both"):
            self.fields[f"readiness_{key}"] = forms.IntegerField(
                label=question,
                min_value=1 if kind == "scale" else 0,
                max_value=5 if kind == "scale" else 40,
                required=False,
            )

    def readiness(self) -> dict[str, int]:
        return {
            name.removeprefix("readiness_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("readiness_") and value is not None
        }


class EnrolCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: email, role (mentor, mentee or both), capacity, goals."),
    )


class EnrolSearchForm(DirectoryFilterForm):
    """The people directory's filters, and where people stand in programmes (GET)."""

    in_programme = forms.ChoiceField(
        label=_("In a programme"), required=False, choices=InProgramme.choices
    )
    field_order = [
        "q",
        "department",
        "in_programme",
        "skill",
        "direction",
        "generation",
        "seniority_min",
        "seniority_max",
    ]

    def in_programme_choice(self) -> str:
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return data.get("in_programme") or ""


class EnrolPeopleForm(forms.Form):
    """What a manager enrols: the people ticked on the page, or everyone the search matches."""

    SELECTED, ALL = "selected", "all"

    role = forms.ChoiceField(label=_("Enrol as"), choices=[])
    scope = forms.ChoiceField(choices=[(SELECTED, SELECTED), (ALL, ALL)], widget=forms.HiddenInput)
    people = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=Person.objects.all(), required=False
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, program: Program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(EnrolmentRole.choices)
        self.fields["role"].choices = [(role, labels[role]) for role in allowed_roles(program)]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("scope") == self.SELECTED and not cleaned.get("people"):
            self.add_error("people", _("Tick at least one person, or enrol everyone who matches."))
        return cleaned
