"""The manager's form for a programme's own self-assessment question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from balik.mentorships.forms import OfSession
from balik.mentorships.models import Side


class QuestionForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Who answers it"),
        choices=Side.choices,
        help_text=_("In reverse mentoring the junior is the mentor."),
    )
    competency = forms.CharField(
        label=_("Competency"),
        max_length=60,
        help_text=_("Pick one from the list to count the answers with it, or name a new one."),
        widget=forms.TextInput(attrs={"list": "competencies", "autocomplete": "off"}),
    )
    text_en = forms.CharField(label=_("The question in English"), max_length=300)
    text_id = forms.CharField(label=_("The question in Bahasa Indonesia"), max_length=300)


SCORE_CHOICES = [("", "—"), *((n, str(n)) for n in range(1, 6))]


class SessionFeedbackForm(OfSession):
    """The mentorship page's feedback on one held session (its `feedback` action)."""

    action = "feedback"
    rating = forms.TypedChoiceField(
        label=_("Overall"), choices=SCORE_CHOICES, coerce=int, required=False, empty_value=None
    )
    usefulness = forms.TypedChoiceField(
        label=_("How useful it was"),
        choices=SCORE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )
    preparation = forms.TypedChoiceField(
        label=_("How well it was prepared"),
        choices=SCORE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )
    psychological_safety = forms.TypedChoiceField(
        label=_("I could speak openly and was heard"),
        choices=SCORE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
