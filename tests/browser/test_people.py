import datetime

import pytest

from balik.people.models import AvailabilitySlot
from tests.browser.conftest import sign_in
from tests.factories import PersonFactory, PersonSkillFactory, SkillFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_filtering_the_directory_by_department_and_skill(page, participant, password):
    tiktok = SkillFactory(slug="tiktok-content", name_en="TikTok content", name_id="Konten TikTok")
    teacher = PersonFactory(full_name="Sinta Maharani", department="Marketing", birth_year=2001)
    PersonSkillFactory(person=teacher, skill=tiktok, direction="teach", level=3)
    PersonFactory(full_name="Joko Prasetyo", department="Finance", birth_year=1970)
    PersonFactory(full_name="Wayan Sudarsana", department="Marketing", birth_year=1975)

    sign_in(page, participant.user.email, password)
    page.goto(page.base_url + "/people/")
    results = page.locator("#results")
    assert results.get_by_text("Joko Prasetyo").is_visible()

    page.get_by_label("Department").select_option("Marketing")
    results.get_by_text("Joko Prasetyo").wait_for(state="detached")
    assert results.get_by_text("Wayan Sudarsana").is_visible()
    assert "department=Marketing" in page.url

    page.get_by_label("Skill").select_option("tiktok-content")
    results.get_by_text("Wayan Sudarsana").wait_for(state="detached")
    assert results.get_by_text("Sinta Maharani").is_visible()
    assert results.get_by_text("TikTok content").first.is_visible()


def test_a_participant_edits_their_weekly_availability(page, participant, password):
    sign_in(page, participant.user.email, password)
    page.goto(page.base_url + f"/people/{participant.pk}/edit/")
    for start, end in [("09:00", "09:30"), ("09:30", "10:00"), ("10:00", "10:30")]:
        page.get_by_label(f"Tuesday {start}\u2013{end}").check()
    page.get_by_label("Friday 14:00\u201314:30").check()
    page.get_by_role("button", name="Save availability").click()
    page.wait_for_load_state()

    slots = list(AvailabilitySlot.objects.filter(person=participant).order_by("weekday"))
    assert [(s.weekday, s.start_time, s.end_time) for s in slots] == [
        (1, datetime.time(9, 0), datetime.time(10, 30)),
        (4, datetime.time(14, 0), datetime.time(14, 30)),
    ]
    page.goto(page.base_url + f"/people/{participant.pk}/")
    assert page.get_by_text("09:00\u201310:30").first.is_visible()
