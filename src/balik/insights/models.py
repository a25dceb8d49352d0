"""What the health page reads instead of every session: a row per mentorship, kept in step."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from balik.mentorships.models import Mentorship


class Rhythm(models.Model):
    """A mentorship's sessions summed up as of `settled_at`, rewritten whenever one of its
    sessions, agendas or ratings changes (`insights.rhythm`), so that the health page reads
    one row per pair instead of scanning every session on each request.

    Time moves on without a write: a booked session that starts after `settled_at` is not yet
    counted as met. `pending_from` is the first such session's start, and readers add those
    few sessions themselves. A row summed with another preparation rule than the programme's
    own, or taken after the moment asked about, is not used."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, primary_key=True, related_name="rhythm"
    )
    settled_at = models.DateTimeField(_("summed at"))
    preparation_hours = models.PositiveSmallIntegerField()
    pending_from = models.DateTimeField(null=True, blank=True)
    held = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)  # booked or held, started by settled_at
    prepared = models.PositiveIntegerField(default=0)  # of those, agenda in by the deadline
    last_meeting = models.DateTimeField(null=True, blank=True)
    unprepared_run = models.PositiveSmallIntegerField(default=0)  # latest unprepared, up to 2
    earlier_rating = models.FloatField(null=True, blank=True)
    latest_rating = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mentorship_id} @ {self.settled_at:%Y-%m-%d %H:%M}"
