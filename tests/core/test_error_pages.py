"""Every refusal Django makes itself (an unmatched address, a view's PermissionDenied, a form
whose CSRF token failed, an unreadable request) answers with Balik's styled page, in the
reader's language, saying why; an expected refusal is logged as one line, no traceback."""

import logging
import sys

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from balik.core.logs import ExpectedRefusalsInOneLine

pytestmark = pytest.mark.django_db


def styled(response) -> str:
    html = response.content.decode()
    assert '<link rel="stylesheet"' in html
    assert 'class="callout warning"' in html
    return html


def in_indonesian(text: str) -> str:
    with translation.override("id"):
        return translation.gettext(text)


def test_an_unmatched_address_gets_the_styled_page_in_the_readers_language(client, participant):
    participant.user.preferred_language = "id"
    participant.user.save(update_fields=["preferred_language"])
    client.force_login(participant.user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = styled(response)
    assert '<html lang="id">' in html
    assert in_indonesian("Page not found") in html
    assert "Page not found" not in html


def test_an_unmatched_address_says_why_to_someone_signed_out(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "There is nothing at this address." in styled(response)


def test_a_views_permission_denied_gets_the_styled_page_with_its_reason(
    client, participant, org_admin
):
    client.force_login(participant.user)
    response = client.get("/inbox/failed/")
    assert response.status_code == 403
    assert "Only organisation admins see failed e-mails." in styled(response)


def test_a_form_whose_csrf_token_failed_is_told_what_to_do(participant):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(participant.user)
    response = browser.post("/inbox/read/")
    assert response.status_code == 403
    html = styled(response)
    assert "The form could not be sent" in html
    assert "reload the page" in html


def test_an_unreadable_request_gets_the_styled_page(client):
    response = client.get("/", HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    assert "This request could not be read" in styled(response)


def record_of(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        exc_info = sys.exc_info()
    return logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x",), exc_info
    )


def test_an_expected_refusal_is_logged_as_one_line():
    record = record_of(PermissionDenied("Only managers."))
    assert ExpectedRefusalsInOneLine().filter(record) is True
    assert record.exc_info is None
    formatted = logging.Formatter().format(record)
    assert formatted == "Forbidden: /x"


def test_an_error_keeps_its_traceback():
    record = record_of(ValueError("broken"))
    ExpectedRefusalsInOneLine().filter(record)
    assert "Traceback" in logging.Formatter().format(record)
