"""What other apps may keep in step with: a pair's sessions or agendas changed.

Sent after the mentorships app has updated the copy it keeps on sessions (agenda submission
time), so that a receiver reads settled rows. Feedback does not send it: no summary of a pair
reads how the two rated their sessions (feedback is anonymous); the feedback sums the health
page adds up are kept by their own receivers (insights.tallies), which use the deletion
helpers below."""

from django.dispatch import Signal

# mentorship_ids: the pairs whose sessions changed
sessions_changed = Signal()

# Deleting a mentorship, a programme or a person takes the pair's summaries with it: a
# deletion that started there is not news, and answering it would write a row for a
# mentorship about to go.
_PART_OF_SESSION = ("session", "agenda", "sessionfeedback")


def deletion_started_at(origin, model_names: tuple[str, ...]) -> bool:
    """Whether a deletion started at one of the named models (an instance or a queryset of
    one) rather than further up, at something that takes the summaries with it."""
    model = getattr(origin, "model", None) or type(origin)
    meta = getattr(model, "_meta", None)
    return meta is not None and meta.model_name in model_names


def deleted_on_its_own(origin) -> bool:
    """Whether a deletion started at a session, its agenda or its feedback."""
    return deletion_started_at(origin, _PART_OF_SESSION)


def session_written(sender, instance, **kwargs) -> None:
    if "origin" in kwargs and not deleted_on_its_own(kwargs["origin"]):
        return
    sessions_changed.send(sender=sender, mentorship_ids=[instance.mentorship_id])
