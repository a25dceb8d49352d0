"""Every refusal a service raises in an HTML view takes one path (balik.core.refusals)."""

import pytest
from django.conf import settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.refusal_urls")]


@pytest.fixture
def indonesian(participant_client):
    participant_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    return participant_client


def test_a_refusal_of_access_is_a_styled_403_that_says_why(participant_client):
    response = participant_client.get("/refusals/access/")
    assert response.status_code == 403
    assert "core/refused.html" in [template.name for template in response.templates]
    assert "Only this programme&#x27;s managers can do that." in response.content.decode()


def test_the_403_page_speaks_indonesian(indonesian):
    response = indonesian.get("/refusals/access/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Hanya manajer program ini yang bisa melakukannya." in page
    assert "Kembali ke beranda" in page


def test_a_missing_thing_is_a_styled_404_that_says_why(participant_client, indonesian):
    response = indonesian.get("/refusals/missing/")
    assert response.status_code == 404
    assert "core/refused.html" in [template.name for template in response.templates]
    assert "Tidak ada apa pun di alamat ini." in response.content.decode()


def test_an_address_no_route_matches_gets_the_same_page_without_the_resolver_s_words(
    participant_client,
):
    response = participant_client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing at this address." in page
    assert "Resolver404" not in page


def test_a_refused_post_shows_the_message_and_goes_back_to_the_named_page(participant_client):
    response = participant_client.post("/refusals/conflict/", follow=True)
    assert response.redirect_chain == [("/refusals/landing/", 302)]
    assert response.content.decode() == "This programme is not open for enrolment."


def test_the_message_is_translated(indonesian):
    response = indonesian.post("/refusals/conflict/", follow=True)
    assert response.content.decode() == "Program ini tidak sedang membuka pendaftaran."


def test_without_a_named_page_a_refused_post_goes_back_where_the_form_came_from(
    participant_client,
):
    response = participant_client.post(
        "/refusals/conflict-back/", HTTP_REFERER="http://testserver/refusals/landing/?tab=2"
    )
    assert response.status_code == 302
    assert response.url == "http://testserver/refusals/landing/?tab=2"
    shown = participant_client.get("/refusals/landing/").content.decode()
    assert shown == "Name is taken. | Slug is taken."


def test_a_refused_post_can_go_back_to_an_address_the_view_computes(participant_client):
    response = participant_client.post("/refusals/conflict-computed/?tab=3")
    assert response.status_code == 302
    assert response.url == "/refusals/landing/?tab=3"


def test_back_to_returns_to_a_page_with_fewer_arguments_than_the_view(participant_client):
    response = participant_client.post("/refusals/items/7/conflict/")
    assert response.status_code == 302
    assert response.url == "/refusals/landing/"


def test_a_refusal_with_the_status_of_a_missing_thing_is_a_404(participant_client):
    response = participant_client.post("/refusals/gone/")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.content.decode()


def test_a_referer_on_another_site_is_not_followed(participant_client):
    response = participant_client.post(
        "/refusals/conflict-back/", HTTP_REFERER="https://evil.example/phish"
    )
    assert response.status_code == 302
    assert response.url == "/refusals/conflict-back/"


def test_a_page_the_service_will_not_build_is_closed_with_the_reason(participant_client):
    response = participant_client.get("/refusals/conflict/")
    assert response.status_code == 403
    assert "This programme is not open for enrolment." in response.content.decode()


def test_a_form_shows_the_service_s_field_error_beside_the_field_with_the_input_kept(
    participant_client,
):
    response = participant_client.post("/refusals/form/", {"name": "taken", "slug": "my-slug"})
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors == {"name": ["That name is taken."]}
    page = response.content.decode()
    assert 'value="taken"' in page
    assert 'value="my-slug"' in page


def test_a_form_shows_a_refusal_without_a_field_above_its_fields(indonesian):
    response = indonesian.post("/refusals/form/", {"name": "closed", "slug": "s"})
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [
        "Program ini tidak sedang membuka pendaftaran."
    ]
    assert 'value="closed"' in response.content.decode()


def test_a_refusal_of_access_inside_a_form_is_still_a_403(participant_client):
    response = participant_client.post("/refusals/form/", {"name": "secret", "slug": "s"})
    assert response.status_code == 403


def test_a_form_the_service_accepts_goes_on(participant_client):
    response = participant_client.post("/refusals/form/", {"name": "fine", "slug": "s"})
    assert response.status_code == 302


def test_a_page_with_its_own_inputs_gets_the_refusal_beside_the_field_named(indonesian):
    response = indonesian.post("/refusals/own-inputs/", {"name": "long"})
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"name": ["Gunakan maksimal 1.000 karakter."]},
        "kept": "long",
    }
    response = indonesian.post("/refusals/own-inputs/", {"name": "taken"})
    assert response.json()["errors"] == {"name": ["That name is taken."]}


def test_a_refusal_naming_no_field_has_no_place_on_such_a_page_and_goes_back(indonesian):
    response = indonesian.post("/refusals/own-inputs/", {"name": "closed"}, follow=False)
    assert response.status_code == 302
    assert response.url == "/refusals/own-inputs/"


def test_a_page_may_word_a_refused_post_its_own_way(participant_client):
    response = participant_client.post("/refusals/conflict-told/", follow=True)
    assert response.redirect_chain == [("/refusals/landing/", 302)]
    assert response.content.decode() == (
        "Refused: This programme is not open for enrolment. | Try another day."
    )


def test_a_refusal_of_access_is_the_403_page_whatever_the_page_tells(participant_client):
    response = participant_client.post("/refusals/access-told/")
    assert response.status_code == 403
    assert "Only this programme&#x27;s managers can do that." in response.content.decode()
