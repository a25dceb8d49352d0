"""Texts the system writes are read in the reader's language, whenever they are read: a notice
in the inbox and its e-mail, a programme's template texts, an agreement's defaults, the reason
the system gave for cancelling a session. A person who never chose a language gets the
organisation's default."""

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from balik.mentorships.agreements import agreement_for
from balik.mentorships.closing import CLOSED_REASON
from balik.mentorships.models import Agreement, Session
from balik.notifications import services
from balik.notifications.models import Notification
from balik.programs import services as program_services
from balik.programs.models import Program
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db


def home_notice(user, key="k"):
    return services.notify(
        user, "agenda_due", dedupe_key=key, render=lambda: (gettext("Home"), gettext("Inbox"))
    )


def test_a_notice_follows_its_readers_language_after_it_was_written(client, participant):
    participant.user.preferred_language = "en"
    participant.user.save(update_fields=["preferred_language"])
    home_notice(participant.user)
    participant.user.preferred_language = "id"
    participant.user.save(update_fields=["preferred_language"])
    client.force_login(participant.user)
    html = client.get("/inbox/").content.decode()
    assert "Beranda" in html and "Kotak masuk" in html
    assert ">Home<" not in html


def test_a_notice_written_before_texts_were_kept_per_language_still_reads(client, participant):
    Notification.objects.create(
        recipient=participant.user,
        kind="agenda_due",
        title="Old title",
        body="Old body",
        dedupe_key="old",
    )
    client.force_login(participant.user)
    html = client.get("/inbox/").content.decode()
    assert "Old title" in html and "Old body" in html


def test_the_email_goes_out_in_the_language_the_reader_has_when_it_is_sent(participant):
    participant.user.preferred_language = "en"
    participant.user.save(update_fields=["preferred_language"])
    home_notice(participant.user)
    participant.user.preferred_language = "id"
    participant.user.save(update_fields=["preferred_language"])
    services.emails_deliver()
    assert mail.outbox[0].subject == "Beranda"
    assert mail.outbox[0].body.startswith("Kotak masuk")


@override_settings(BALIK_DEFAULT_LANGUAGE="id")
def test_a_person_without_a_language_reads_the_organisations_default(client, participant):
    participant.user.preferred_language = ""
    participant.user.save(update_fields=["preferred_language"])
    notice = home_notice(participant.user)
    assert notice.title == "Beranda"
    client.force_login(participant.user)
    page = client.get("/inbox/")
    assert page.content.decode().count('<html lang="id">') == 1


@override_settings(BALIK_DEFAULT_LANGUAGE="en")
def test_the_organisations_default_is_a_setting(client, participant):
    participant.user.preferred_language = ""
    participant.user.save(update_fields=["preferred_language"])
    assert home_notice(participant.user).title == "Home"


def test_template_texts_read_in_the_readers_language_until_a_manager_edits_them(
    program_manager,
):
    with translation.override("en"):
        program = program_services.program_create(
            program_manager.user, name="Social", kind="reverse", template="social-media-training"
        )
    english_goal = program.suggested_goals[0]
    with translation.override("id"):
        read = Program.objects.get(pk=program.pk)
    assert read.suggested_goals[0] != english_goal
    with translation.override("id"):
        assert read.suggested_goals[0] == gettext(english_goal)
        assert read.mentor_guide != program.mentor_guide
    Program.objects.filter(pk=program.pk).update(mentor_guide="Our own guide")
    with translation.override("id"):
        assert Program.objects.get(pk=program.pk).mentor_guide == "Our own guide"
    with translation.override("en"):
        # written in Indonesian, read in English
        saved = Program.objects.get(pk=program.pk)
    with translation.override("id"):
        indonesian = Program.objects.get(pk=program.pk)
        indonesian.save(update_fields=["suggested_goals"])
    with translation.override("en"):
        assert Program.objects.get(pk=program.pk).suggested_goals == saved.suggested_goals


def test_agreement_defaults_and_system_reasons_read_in_the_readers_language(program_manager):
    mentorship = flipped_pair(program_manager)
    with translation.override("en"):
        agreement_for(mentorship)
        Session.objects.create(
            mentorship=mentorship,
            starts_at="2026-12-10T03:00:00Z",
            ends_at="2026-12-10T04:00:00Z",
            status="cancelled",
            leader="mentee",
            proposed_by=mentorship.mentee,
            uid="reader-language-1",
            cancel_reason=str(CLOSED_REASON),
        )
    with translation.override("id"):
        agreement = Agreement.objects.get(mentorship=mentorship)
        session = Session.objects.get(mentorship=mentorship)
        assert agreement.confidentiality == gettext(
            "What we share stays between us unless we both agree otherwise. The programme "
            "manager sees dates, attendance and goal status, never our notes."
        )
        assert "What we share" not in agreement.confidentiality
        assert "The junior" not in agreement.ground_rules
        assert session.cancel_reason == gettext("The mentorship has closed.")
        assert session.cancel_reason != "The mentorship has closed."
