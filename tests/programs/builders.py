"""Small programmes for tests: a manager's programme open for enrolment, and its people."""

from django.utils import timezone

from balik.notifications.models import EmailStatus, Kind, Notification
from balik.programs import services
from balik.programs.models import Program, ProgramStatus
from tests.factories import AvailabilitySlotFactory, PersonFactory, PersonSkillFactory, SkillFactory


def enrolling_program(
    manager, *, kind: str, open_link: bool = False, name: str = "", **changes
) -> Program:
    program = services.program_create(
        manager.user, name=name or f"{kind} programme", kind=kind, **changes
    )
    program.status = ProgramStatus.ENROLLING
    program.enrolment_open = open_link
    program.save()
    return program


def reverse_population(program: Program, pairs: int, *, manager_user=None) -> tuple[list, list]:
    """`pairs` juniors who teach TikTok and `pairs` seniors who want it, all enrolled."""
    tiktok = SkillFactory(slug="tiktok-test", name_en="TikTok content", name_id="Konten TikTok")
    strategy = SkillFactory(slug="strategy-test", name_en="Strategy", name_id="Strategi")
    juniors, seniors = [], []
    for index in range(pairs):
        junior = PersonFactory(
            seniority_level=2, department=f"Digital {index % 3}", full_name=f"Junior {index}"
        )
        senior = PersonFactory(
            seniority_level=8, department=f"Finance {index % 2}", full_name=f"Senior {index}"
        )
        PersonSkillFactory(person=junior, skill=tiktok, direction="teach", level=3)
        PersonSkillFactory(person=junior, skill=strategy, direction="learn", level=1)
        PersonSkillFactory(person=senior, skill=tiktok, direction="learn", level=1)
        PersonSkillFactory(person=senior, skill=strategy, direction="teach", level=3)
        for person in (junior, senior):
            AvailabilitySlotFactory(person=person, weekday=1, start_time="09:00", end_time="12:00")
        services.enrolment_add(
            manager_user,
            program,
            person=junior,
            data=services.EnrolmentData(role="mentor", goals="TikTok"),
        )
        services.enrolment_add(
            manager_user,
            program,
            person=senior,
            data=services.EnrolmentData(role="mentee", goals="TikTok"),
        )
        juniors.append(junior)
        seniors.append(senior)
    invitations_already_sent()
    return juniors, seniors


def invitations_already_sent() -> None:
    """The enrolment invitations went out long ago: tests of later e-mails count only theirs."""
    Notification.objects.filter(kind__in=[Kind.INVITATION, Kind.FIRST_SIGN_IN]).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now()
    )
