"""Feedback from both sides after each session, the end-of-programme evaluation, and the
self-assessments taken at the start, middle and end of a programme."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balik.core.fields import SingleLineCharField
from balik.mentorships.models import Mentorship, Session
from balik.people.models import Person
from balik.programs.models import Program

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]
SESSION_SCORES = ("rating", "usefulness", "preparation", "psychological_safety")


class SessionFeedback(models.Model):
    """One person's view of one held session; editable for seven days."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    # The session's mentorship, copied on save (a session never moves): programme figures
    # then read feedback without joining every session.
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="+", editable=False
    )
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("overall"), validators=ONE_TO_FIVE)
    usefulness = models.PositiveSmallIntegerField(_("how useful it was"), validators=ONE_TO_FIVE)
    preparation = models.PositiveSmallIntegerField(
        _("how well it was prepared"), validators=ONE_TO_FIVE
    )
    psychological_safety = models.PositiveSmallIntegerField(
        _("I could speak openly and was heard"), validators=ONE_TO_FIVE
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="one_feedback_per_session"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5)
                & Q(usefulness__gte=1, usefulness__lte=5)
                & Q(preparation__gte=1, preparation__lte=5)
                & Q(psychological_safety__gte=1, psychological_safety__lte=5),
                name="feedback_scores_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"feedback of {self.author_id} on session {self.session_id}"

    def save(self, *args, **kwargs) -> None:
        if self.mentorship_id is None:
            self.mentorship_id = self.session.mentorship_id
        super().save(*args, **kwargs)


class ProgramEvaluation(models.Model):
    """The end-of-programme evaluation: satisfaction, would recommend (NPS), what to improve."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="evaluations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), validators=ONE_TO_FIVE)
    recommend = models.PositiveSmallIntegerField(
        _("would recommend (0-10)"), validators=[MaxValueValidator(10)]
    )
    improve = models.TextField(_("what to improve"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="one_evaluation_each"),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5) & Q(recommend__lte=10),
                name="evaluation_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"evaluation of {self.person_id} in {self.program_id}"


class Phase(models.TextChoices):
    START = "start", _("Start")
    MIDDLE = "middle", _("Middle")
    END = "end", _("End")


class Question(models.Model):
    """A self-assessment question; built-in ones have no programme, managers add their own."""

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(max_length=10, blank=True, help_text=_("Empty: every kind."))
    audience = models.CharField(
        max_length=12,
        help_text=_("mentee or mentor (in reverse mentoring the junior is the mentor)"),
    )
    competency = models.SlugField(max_length=60)
    text_en = SingleLineCharField(max_length=300)
    text_id = SingleLineCharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text_en

    def text_in(self, language: str | None) -> str:
        """The question in the reader's language (Indonesian or, for any other, English)."""
        return self.text_id if (language or "").startswith("id") else self.text_en


class Answer(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="answers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    phase = models.CharField(max_length=6, choices=Phase.choices)
    value = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person", "question", "phase"], name="one_answer_per_phase"
            ),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="answer_1_to_5"),
        ]
        indexes = [models.Index(fields=["program", "question", "phase"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.question_id} {self.phase}: {self.value}"
