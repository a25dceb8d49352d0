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


SCORE_CHOICES = [("", "—"), *((str(n), str(n)) for n in range(1, 6))]


class ScoreField(forms.CharField):
    """A score from the list: a whole number, or what was posted as it came, so that the
    service refuses it with its own words (the rule lives there, once); empty is None."""

    widget = forms.Select(choices=SCORE_CHOICES)

    def __init__(self, *, label: str) -> None:
        super().__init__(label=label, required=False)
        self.widget = forms.Select(choices=SCORE_CHOICES)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return int(value) if value.isdigit() else value


class SessionFeedbackForm(OfSession):
    """The mentorship page's feedback on one held session (its `feedback` action)."""

    action = "feedback"
    rating = ScoreField(label=_("Overall"))
    usefulness = ScoreField(label=_("How useful it was"))
    preparation = ScoreField(label=_("How well it was prepared"))
    psychological_safety = ScoreField(label=_("I could speak openly and was heard"))
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
