"""What the health page reads instead of every session, feedback row and answer: sums per
pair, per person and pair, and per person and competency, kept in step on every write."""

from django.db import models

from balik.mentorships.models import Mentorship
from balik.people.models import Person
from balik.programs.models import Program


class Rhythm(models.Model):
    """A mentorship's sessions summed up as of `settled_at`, rewritten whenever one of its
    sessions or agendas changes (`insights.rhythm`), so that the health page reads one row per
    pair instead of scanning every session on each request.

    Time moves on without a write: a booked session that starts after `settled_at` is not yet
    counted as met. `pending_from` is the first such session's start, and readers add those
    few sessions themselves. A row summed with another preparation rule than the programme's
    own, or taken after the moment asked about, is not used."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, primary_key=True, related_name="rhythm"
    )
    settled_at = models.DateTimeField()
    preparation_hours = models.PositiveSmallIntegerField()
    pending_from = models.DateTimeField(null=True, blank=True)
    held = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)  # booked or held, started by settled_at
    prepared = models.PositiveIntegerField(default=0)  # of those, agenda in by the deadline
    last_meeting = models.DateTimeField(null=True, blank=True)
    unprepared_run = models.PositiveSmallIntegerField(default=0)  # latest unprepared, up to 2

    def __str__(self) -> str:
        return f"{self.mentorship_id} @ {self.settled_at:%Y-%m-%d %H:%M}"


class FeedbackTally(models.Model):
    """One person's session feedback in one mentorship, summed, rewritten on every change of
    it (`insights.tallies`): the health page's feedback figures read a row per person and pair
    instead of every feedback row."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    answers = models.PositiveIntegerField(default=0)
    commented = models.PositiveIntegerField(default=0)  # answers with a comment
    rating_sum = models.PositiveIntegerField(default=0)
    usefulness_sum = models.PositiveIntegerField(default=0)
    preparation_sum = models.PositiveIntegerField(default=0)
    psychological_safety_sum = models.PositiveIntegerField(default=0)
    rated_1 = models.PositiveIntegerField(default=0)
    rated_2 = models.PositiveIntegerField(default=0)
    rated_3 = models.PositiveIntegerField(default=0)
    rated_4 = models.PositiveIntegerField(default=0)
    rated_5 = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "author"], name="one_tally_per_author")
        ]

    def __str__(self) -> str:
        return f"{self.author_id} in {self.mentorship_id}: {self.answers}"


EVERY_SIDE = ""  # a CompetencyTally's audience when it sums the questions of both sides


class CompetencyTally(models.Model):
    """One person's start and end self-assessment answers on one competency of a programme,
    summed per side of the questions and for both sides together, rewritten on every change of
    them (`insights.tallies`)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    competency = models.SlugField(max_length=60)
    audience = models.CharField(max_length=12, blank=True)  # the questions' side, or EVERY_SIDE
    start_sum = models.PositiveIntegerField(default=0)
    start_count = models.PositiveIntegerField(default=0)
    end_sum = models.PositiveIntegerField(default=0)
    end_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person", "competency", "audience"],
                name="one_tally_per_competency",
            )
        ]
        indexes = [models.Index(fields=["program", "audience"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.competency} in {self.program_id}"
