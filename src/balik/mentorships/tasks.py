"""Background tasks of the workspace, run by `balik worker` from the database queue."""

from django_tasks import task


@task()
def send_session_notice(
    session_id: int, kind: str, person_id: int, invite: bool, dedupe_key: str
) -> None:
    """The inbox entry and e-mail (with its invite) about one session, for one person."""
    from balik.mentorships.notices import send_session_notice as send
    from balik.mentorships.services import Notice

    send(Notice(session_id, kind, person_id, invite), dedupe_key)


@task()
def send_reminders() -> dict[str, int]:
    """Create the reminders due now (each once, whenever the worker runs)."""
    from balik.mentorships.reminders import sweep

    return sweep()


@task()
def deliver_emails() -> int:
    """E-mail the notices not yet e-mailed."""
    from balik.notifications.services import deliver_emails as deliver

    return deliver()
