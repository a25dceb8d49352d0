"""The manager's form for a programme's own self-assessment question."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
