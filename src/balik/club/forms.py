"""Forms for the Club's pages. They parse input; the rules live in `balik.club.services`."""

from django import forms
from django.utils.translation import gettext_lazy

from balik.club.models import SESSION_LENGTHS, Audience, OfferingFormat, Outcome, Package
from balik.club.services import OfferingData, Preparation
from balik.people.forms import skill_choices
from balik.people.models import SENIORITY_MAX, SENIORITY_MIN, Person, Skill

TEXT = forms.Textarea(attrs={"rows": 3})


def _skills() -> list:
    return skill_choices(Skill.objects.order_by("name_en"), gettext_lazy("Any topic"))


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=gettext_lazy("A topic, a name or a job title."),
    )
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[
            ("", gettext_lazy("Any language")),
            ("id", "Bahasa Indonesia"),
            ("en", "English"),
        ],
    )
    in_common = forms.BooleanField(
        label=gettext_lazy("Time in common with me this week"), required=False
    )
    free_this_week = forms.BooleanField(label=gettext_lazy("A free slot this week"), required=False)
    min_rating = forms.ChoiceField(
        label=gettext_lazy("Rating"),
        required=False,
        choices=[("", gettext_lazy("Any rating")), ("4", "4+"), ("4.5", "4.5+")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _skills()


class OfferingForm(forms.Form):
    skill = forms.ChoiceField(label=gettext_lazy("Topic from the skill list"))
    title_en = forms.CharField(
        label=gettext_lazy("Title in English"), max_length=160, required=False
    )
    title_id = forms.CharField(
        label=gettext_lazy("Title in Indonesian"), max_length=160, required=False
    )
    description_en = forms.CharField(
        label=gettext_lazy("What we can cover (English)"), required=False, widget=TEXT
    )
    description_id = forms.CharField(
        label=gettext_lazy("What we can cover (Indonesian)"), required=False, widget=TEXT
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=OfferingFormat.choices)
    minutes = forms.TypedChoiceField(
        label=gettext_lazy("Length"),
        coerce=int,
        choices=[(m, gettext_lazy("%(n)d minutes") % {"n": m}) for m in SESSION_LENGTHS],
        initial=45,
    )
    audience = forms.ChoiceField(label=gettext_lazy("Who may book"), choices=Audience.choices)
    seniority_min = forms.IntegerField(
        label=gettext_lazy("Lowest seniority"),
        min_value=SENIORITY_MIN,
        max_value=SENIORITY_MAX,
        initial=SENIORITY_MIN,
    )
    seniority_max = forms.IntegerField(
        label=gettext_lazy("Highest seniority"),
        min_value=SENIORITY_MIN,
        max_value=SENIORITY_MAX,
        initial=SENIORITY_MAX,
    )
    departments = forms.CharField(
        label=gettext_lazy("Departments"),
        required=False,
        help_text=gettext_lazy("Separated by commas; used when only some departments may book."),
    )
    active = forms.BooleanField(
        label=gettext_lazy("Open for booking"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = _skills()

    def data_for_service(self) -> OfferingData:
        data = self.cleaned_data
        return OfferingData(
            skill=Skill.objects.filter(slug=data["skill"]).first(),
            title_en=data["title_en"],
            title_id=data["title_id"],
            description_en=data["description_en"],
            description_id=data["description_id"],
            format=data["format"],
            minutes=data["minutes"],
            audience=data["audience"],
            seniority_min=data["seniority_min"],
            seniority_max=data["seniority_max"],
            departments=tuple(d.strip() for d in data["departments"].split(",") if d.strip()),
            active=data["active"],
        )


class SettingsForm(forms.Form):
    monthly_limit = forms.IntegerField(
        label=gettext_lazy("Sessions a month at most"), min_value=1, max_value=40
    )
    auto_accept = forms.BooleanField(label=gettext_lazy("Accept requests at once"), required=False)
    paused = forms.BooleanField(label=gettext_lazy("Pause: take no new bookings"), required=False)
    blocked_dates = forms.CharField(
        label=gettext_lazy("Days I am away"),
        required=False,
        help_text=gettext_lazy("Dates as YYYY-MM-DD, separated by commas."),
    )

    def clean_blocked_dates(self):
        days = []
        for text in (self.cleaned_data.get("blocked_dates") or "").split(","):
            if text.strip():
                try:
                    days.append(forms.DateField().clean(text.strip()))
                except forms.ValidationError:
                    raise forms.ValidationError(
                        gettext_lazy("%(text)s is not a date like 2026-12-24.") % {"text": text}
                    ) from None
        return days


class BookingForm(forms.Form):
    starts_at = forms.ChoiceField(label=gettext_lazy("Choose a time"), widget=forms.RadioSelect)
    learn = forms.CharField(
        label=gettext_lazy("What I want to learn"),
        widget=TEXT,
        help_text=gettext_lazy("One or two outcomes you want from this session."),
    )
    research = forms.CharField(
        label=gettext_lazy("The research I did"),
        widget=TEXT,
        required=False,
        help_text=gettext_lazy("What you read or tried already, with links."),
    )
    questions = forms.CharField(
        label=gettext_lazy("My key questions"),
        widget=TEXT,
        help_text=gettext_lazy("The questions you most want answered."),
    )
    challenge = forms.CharField(
        label=gettext_lazy("A challenge for the mentor"),
        widget=TEXT,
        required=False,
        help_text=gettext_lazy("A problem you would like them to think through with you."),
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].choices = list(slots)

    def preparation(self) -> Preparation:
        data = self.cleaned_data
        return Preparation(
            learn=data["learn"],
            questions=data["questions"],
            research=data["research"],
            challenge=data["challenge"],
        )


class AttendanceForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)


class PackageForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    sessions = forms.IntegerField(
        label=gettext_lazy("Sessions per period"), min_value=1, max_value=100
    )
    period_months = forms.IntegerField(
        label=gettext_lazy("Period (months)"), min_value=1, max_value=12, initial=1
    )


class GrantForm(forms.Form):
    TARGETS = (
        ("everyone", gettext_lazy("Everyone, by default")),
        ("department", gettext_lazy("A department")),
        ("person", gettext_lazy("One person")),
    )
    package = forms.ModelChoiceField(label=gettext_lazy("Package"), queryset=Package.objects.all())
    target = forms.ChoiceField(label=gettext_lazy("Give it to"), choices=TARGETS)
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    email = forms.EmailField(
        label=gettext_lazy("The person's e-mail"),
        required=False,
        help_text=gettext_lazy("For one person: the address they sign in with."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        departments = (
            Person.objects.exclude(department="")
            .order_by("department")
            .values_list("department", flat=True)
            .distinct()
        )
        self.fields["department"].choices = [("", "—")] + [(d, d) for d in departments]

    def clean(self) -> dict:
        data = super().clean()
        target = data.get("target")
        if target == "department" and not data.get("department"):
            self.add_error("department", gettext_lazy("Choose the department."))
        if target == "person":
            email = data.get("email") or ""
            person = Person.objects.filter(user__email__iexact=email).first() if email else None
            if person is None:
                self.add_error("email", gettext_lazy("Nobody in the directory has this e-mail."))
            data["person"] = person
        return data
