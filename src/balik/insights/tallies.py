"""Sums kept for the health page: each person's session feedback per pair, and each person's
start and end self-assessment per competency. A row is rewritten from its source rows whenever
one of them changes, so the page adds up thousands of rows instead of 100,000."""

from django.db import transaction
from django.db.models import Count, F, Q, Sum

from balik.feedback.models import SESSION_SCORES, Answer, Phase, Question, SessionFeedback
from balik.insights.models import EVERY_SIDE, CompetencyTally, FeedbackTally
from balik.mentorships.signals import deleted_on_its_own, deletion_started_at

RATINGS = range(1, 6)
_SUMS = ("start_sum", "start_count", "end_sum", "end_count")


def refresh_feedback_tallies(scope: Q) -> int:
    """Rewrite the feedback tallies of every pair and author `scope` selects (a condition on
    `mentorship` and `author`, which both models have); returns how many remain."""
    rows = [
        FeedbackTally(**row)
        for row in SessionFeedback.objects.filter(scope)
        .values("mentorship_id", "author_id")
        .annotate(
            answers=Count("pk"),
            commented=Count("pk", filter=~Q(comment="")),
            **{f"{score}_sum": Sum(score) for score in SESSION_SCORES},
            **{f"rated_{rating}": Count("pk", filter=Q(rating=rating)) for rating in RATINGS},
        )
        .order_by()
    ]
    with transaction.atomic():
        FeedbackTally.objects.filter(scope).delete()
        # an upsert: a writer at the same moment may have put the same row back
        FeedbackTally.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["mentorship", "author"],
            update_fields=[
                "answers",
                "commented",
                *(f"{score}_sum" for score in SESSION_SCORES),
                *(f"rated_{rating}" for rating in RATINGS),
            ],
        )
    return len(rows)


def refresh_competency_tallies(scope: Q) -> int:
    """Rewrite the competency tallies of every programme and person `scope` selects (a
    condition on `program` and `person`); returns how many remain. Besides a row per side of
    the questions, each competency gets a row for every side together (`EVERY_SIDE`), so the
    page counts people with one plain grouping, with or without a side chosen."""
    in_phase = {Phase.START: Q(phase=Phase.START), Phase.END: Q(phase=Phase.END)}
    rows: dict[tuple, CompetencyTally] = {}
    for row in (
        Answer.objects.filter(scope, phase__in=in_phase)
        .values(
            "program_id",
            "person_id",
            competency=F("question__competency"),
            audience=F("question__audience"),
        )
        .annotate(
            start_sum=Sum("value", filter=in_phase[Phase.START], default=0),
            start_count=Count("pk", filter=in_phase[Phase.START]),
            end_sum=Sum("value", filter=in_phase[Phase.END], default=0),
            end_count=Count("pk", filter=in_phase[Phase.END]),
        )
        .order_by()
    ):
        rows[tuple(row.values())[:4]] = CompetencyTally(**row)
        together = rows.setdefault(
            (row["program_id"], row["person_id"], row["competency"], EVERY_SIDE),
            CompetencyTally(
                program_id=row["program_id"],
                person_id=row["person_id"],
                competency=row["competency"],
                audience=EVERY_SIDE,
            ),
        )
        for field in _SUMS:
            setattr(together, field, getattr(together, field) + row[field])
    with transaction.atomic():
        CompetencyTally.objects.filter(scope).delete()
        CompetencyTally.objects.bulk_create(
            rows.values(),
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["program", "person", "competency", "audience"],
            update_fields=list(_SUMS),
        )
    return len(rows)


def feedback_written(sender, instance: SessionFeedback, **kwargs) -> None:
    if "origin" in kwargs and not deleted_on_its_own(kwargs["origin"]):
        return
    refresh_feedback_tallies(Q(mentorship_id=instance.mentorship_id, author_id=instance.author_id))


def answer_written(sender, instance: Answer, **kwargs) -> None:
    if "origin" in kwargs and not deletion_started_at(kwargs["origin"], ("answer", "question")):
        return
    refresh_competency_tallies(Q(program_id=instance.program_id, person_id=instance.person_id))


def question_saved(sender, instance: Question, created: bool, **kwargs) -> None:
    """A question moved to another competency or side: its answers count there now."""
    if not created:
        answered = Answer.objects.filter(question=instance)
        refresh_competency_tallies(
            Q(program__in=answered.values("program"), person__in=answered.values("person"))
        )
