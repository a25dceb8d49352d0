"""The inbox shows a person their own notices only; choices decide the channels; e-mails go
out once even with two deliveries."""

import pytest
from django.core import mail
from django.urls import reverse

from balik.notifications import services
from balik.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db


def make(user, key: str, kind: str = "agenda_due") -> Notification | None:
    return services.notify(
        user, kind, dedupe_key=key, render=lambda: ("Agenda due", "Write it"), url="/mentorships/1/"
    )


def test_a_notice_is_created_once_per_key(participant):
    assert make(participant.user, "agenda_due:1:0") is not None
    assert make(participant.user, "agenda_due:1:0") is None
    assert Notification.objects.count() == 1


def test_the_notice_is_written_in_the_recipients_language(participant):
    from django.utils.translation import gettext

    participant.user.preferred_language = "id"
    participant.user.save()
    notice = services.notify(
        participant.user, "agenda_due", dedupe_key="k", render=lambda: (gettext("Home"), ""), url=""
    )
    assert notice.title == "Beranda"


def test_emails_are_delivered_once(participant):
    make(participant.user, "a")
    make(participant.user, "b")
    assert services.emails_deliver() == 2
    assert services.emails_deliver() == 0
    assert [m.to for m in mail.outbox] == [[participant.user.email]] * 2


def test_choices_turn_channels_off(participant):
    services.preferences_set(participant.user, {"agenda_due": (False, False)})
    notice = make(participant.user, "c")
    assert not notice.in_app and not notice.wants_email
    assert services.emails_deliver() == 0
    assert not services.inbox(participant.user).exists()
    with pytest.raises(ValueError):
        services.preferences_set(participant.user, {"gossip": (True, True)})


def test_the_inbox_page_shows_only_ones_own_notices(client, participant, other_participant):
    make(participant.user, "mine")
    services.notify(
        other_participant.user,
        "agenda_due",
        dedupe_key="theirs",
        render=lambda: ("Secret", ""),
        url="",
    )
    client.force_login(participant.user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Agenda due" in page and "Secret" not in page
    client.post(reverse("notifications:read"))
    assert services.unread_count(participant.user) == 0
    assert services.unread_count(other_participant.user) == 1


def test_the_settings_page_saves_choices(client, participant):
    client.force_login(participant.user)
    response = client.post(
        reverse("notifications:preferences"),
        {"agenda_due-in_app": "1", "session_booked-email": "1"},
    )
    assert response.status_code == 302
    agenda = Preference.objects.get(user=participant.user, kind="agenda_due")
    assert agenda.in_app and not agenda.email
    booked = Preference.objects.get(user=participant.user, kind="session_booked")
    assert booked.email and not booked.in_app
