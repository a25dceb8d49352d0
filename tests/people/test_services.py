import datetime

import pytest

from balik.core.errors import PermissionRefused, ValidationFailed
from balik.people import services
from balik.people.models import AvailabilitySlot, PersonSkill, SkillDirection
from balik.people.selectors import convert_weekly_ranges
from tests.factories import (
    AvailabilitySlotFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


def slots_of(person):
    return [
        (slot.weekday, slot.start_time.strftime("%H:%M"), slot.end_time.strftime("%H:%M"))
        for slot in AvailabilitySlot.objects.filter(person=person).order_by("weekday", "start_time")
    ]


# --- profile ----------------------------------------------------------------------------------


def test_it_refuses_a_manager_cycle(org_admin):
    top = PersonFactory(full_name="Top")
    middle = PersonFactory(full_name="Middle", manager=top)
    bottom = PersonFactory(full_name="Bottom", manager=middle)

    with pytest.raises(ValidationFailed) as caught:
        services.person_update(person=top, actor=org_admin.user, data={"manager": bottom})

    assert "manager" in caught.value.errors
    assert "loop" in caught.value.errors["manager"][0]
    top.refresh_from_db()
    assert top.manager_id is None


def test_it_refuses_a_person_as_their_own_manager(org_admin, participant):
    with pytest.raises(ValidationFailed) as caught:
        services.person_update(
            person=participant, actor=org_admin.user, data={"manager": participant.pk}
        )
    assert "own manager" in caught.value.errors["manager"][0]


def test_it_lets_an_admin_set_a_manager_by_id(org_admin, participant, other_participant):
    services.person_update(
        person=participant, actor=org_admin.user, data={"manager": other_participant.pk}
    )
    participant.refresh_from_db()
    assert participant.manager_id == other_participant.pk


def test_it_refuses_an_unknown_manager_id(org_admin, participant):
    with pytest.raises(ValidationFailed) as caught:
        services.person_update(person=participant, actor=org_admin.user, data={"manager": 99999})
    assert "99999" in caught.value.errors["manager"][0]


def test_it_refuses_a_participant_changing_their_own_seniority(participant):
    with pytest.raises(ValidationFailed) as caught:
        services.person_update(
            person=participant, actor=participant.user, data={"seniority_level": 9}
        )
    assert "HR" in caught.value.errors["seniority_level"][0]
    participant.refresh_from_db()
    assert participant.seniority_level == 3


def test_it_accepts_a_participant_sending_back_the_seniority_hr_set(participant):
    services.person_update(
        person=participant,
        actor=participant.user,
        data={"seniority_level": participant.seniority_level, "bio": "Hi"},
    )
    participant.refresh_from_db()
    assert participant.bio == "Hi"


def test_it_refuses_a_participant_editing_someone_else(participant, other_participant):
    with pytest.raises(PermissionRefused):
        services.person_update(
            person=other_participant, actor=participant.user, data={"bio": "hacked"}
        )
    other_participant.refresh_from_db()
    assert other_participant.bio == ""


def test_it_reports_every_bad_field_at_once(participant):
    with pytest.raises(ValidationFailed) as caught:
        services.person_update(
            person=participant,
            actor=participant.user,
            data={
                "full_name": "  ",
                "languages": ["id", "xx", "english"],
                "timezone": "Mars/Olympus",
                "bio": "x" * 2001,
                "birth_year": 1800,
            },
        )
    errors = caught.value.errors
    assert set(errors) == {"full_name", "languages", "timezone", "bio", "birth_year"}
    assert len(errors["languages"]) == 2


def test_it_updates_profile_fields_and_the_account_name(participant):
    services.person_update(
        person=participant,
        actor=participant.user,
        data={
            "full_name": "Rina Wulandari",
            "languages": "ID, en; jv",
            "timezone": "Asia/Makassar",
            "birth_year": 1999,
            "bio": "  Data nerd.  ",
        },
    )
    participant.refresh_from_db()
    participant.user.refresh_from_db()
    assert participant.full_name == "Rina Wulandari"
    assert participant.user.full_name == "Rina Wulandari"
    assert participant.languages == ["id", "en", "jv"]
    assert participant.timezone == "Asia/Makassar"
    assert participant.bio == "Data nerd."


def test_it_takes_a_hire_date_up_to_a_year_ahead(org_admin, participant):
    next_month = datetime.date.today() + datetime.timedelta(days=31)
    services.person_update(person=participant, actor=org_admin.user, data={"hire_date": next_month})
    participant.refresh_from_db()
    assert participant.hire_date == next_month


def test_it_refuses_a_hire_date_more_than_a_year_ahead(org_admin, participant):
    too_far = datetime.date.today() + datetime.timedelta(days=367)
    with pytest.raises(ValidationFailed) as caught:
        services.person_update(
            person=participant, actor=org_admin.user, data={"hire_date": too_far}
        )
    assert "hire_date" in caught.value.errors
    assert "a year" in caught.value.errors["hire_date"][0]


def test_it_refuses_an_unknown_field(participant):
    with pytest.raises(ValidationFailed) as caught:
        services.person_update(person=participant, actor=participant.user, data={"user": 1})
    assert "user" in caught.value.errors


# --- availability -----------------------------------------------------------------------------


def test_it_merges_overlapping_and_adjacent_ranges(participant):
    services.person_set_availability(
        person=participant,
        actor=participant.user,
        slots=[
            (0, "09:00", "10:00"),
            (0, "10:00", "11:00"),
            (0, "10:30", "12:00"),
            (0, "14:00", "15:00"),
            (2, datetime.time(8, 0), datetime.time(9, 30)),
        ],
    )
    assert slots_of(participant) == [
        (0, "09:00", "12:00"),
        (0, "14:00", "15:00"),
        (2, "08:00", "09:30"),
    ]


def test_it_stores_midnight_as_the_end_of_the_day(participant):
    services.person_set_availability(
        person=participant,
        actor=participant.user,
        slots=[(4, "22:00", "23:30"), (4, "23:30", "24:00"), (5, "20:00", "00:00")],
    )
    assert slots_of(participant) == [(4, "22:00", "00:00"), (5, "20:00", "00:00")]


def test_it_replaces_all_availability(participant):
    AvailabilitySlotFactory(person=participant, weekday=3)
    services.person_set_availability(
        person=participant, actor=participant.user, slots=[(1, "07:00", "08:00")]
    )
    assert slots_of(participant) == [(1, "07:00", "08:00")]


@pytest.mark.parametrize(
    "slot",
    [
        (0, "09:15", "10:00"),  # not on a half hour
        (0, "11:00", "10:00"),  # ends before it starts
        (0, "22:00", "01:00"),  # runs past midnight
        (7, "09:00", "10:00"),  # no such day
        (0, "9am", "10:00"),  # not HH:MM
        (0, "24:00", "00:00"),  # starts at the end of the day
    ],
)
def test_it_refuses_bad_availability_and_writes_nothing(participant, slot):
    AvailabilitySlotFactory(person=participant, weekday=3, start_time="09:00", end_time="10:00")
    with pytest.raises(ValidationFailed) as caught:
        services.person_set_availability(
            person=participant, actor=participant.user, slots=[(1, "09:00", "10:00"), slot]
        )
    assert "Range 2" in caught.value.errors["availability"][0]
    assert slots_of(participant) == [(3, "09:00", "10:00")]


# --- skills -----------------------------------------------------------------------------------


def test_it_replaces_skills_in_one_direction_only(participant):
    kept = PersonSkillFactory(person=participant, direction=SkillDirection.LEARN)
    PersonSkillFactory(person=participant, direction=SkillDirection.TEACH)
    python = SkillFactory(slug="zz-python", name_en="Zz Python", name_id="Zz Python")
    SkillFactory(
        slug="zz-tiktok",
        name_en="Zz TikTok marketing",
        name_id="Zz Pemasaran TikTok",
        aliases=["Zz Tik Tok"],
    )

    services.person_set_skills(
        person=participant,
        actor=participant.user,
        direction=SkillDirection.TEACH,
        items=[(python, 3), {"skill": "zz tik tok", "level": "2"}],
    )

    teach = PersonSkill.objects.filter(person=participant, direction=SkillDirection.TEACH)
    assert sorted((item.skill.slug, item.level) for item in teach) == [
        ("zz-python", 3),
        ("zz-tiktok", 2),
    ]
    assert PersonSkill.objects.filter(pk=kept.pk).exists()


def test_it_finds_skills_by_indonesian_name(participant):
    SkillFactory(slug="zz-data-analysis", name_en="Zz Data analysis", name_id="Zz Analisis data")
    services.person_set_skills(
        person=participant,
        actor=participant.user,
        direction=SkillDirection.LEARN,
        items=[("ZZ ANALISIS DATA", 1)],
    )
    assert participant.skills.get().skill.slug == "zz-data-analysis"


def test_it_refuses_duplicate_unknown_and_out_of_range_skills(participant):
    existing = PersonSkillFactory(person=participant, direction=SkillDirection.TEACH)
    python = SkillFactory(slug="zz-python", name_en="Zz Python", name_id="Zz Python")
    with pytest.raises(ValidationFailed) as caught:
        services.person_set_skills(
            person=participant,
            actor=participant.user,
            direction=SkillDirection.TEACH,
            items=[(python, 2), ("Zz Python", 3), ("no-such-skill", 1), (python.slug, 4)],
        )
    problems = caught.value.errors["can_teach"]
    assert len(problems) == 3
    assert any("twice" in problem for problem in problems)
    assert any("no-such-skill" in problem for problem in problems)
    assert list(participant.skills.all()) == [existing]


def test_it_refuses_setting_someone_elses_skills(participant, other_participant):
    with pytest.raises(PermissionRefused):
        services.person_set_skills(
            person=other_participant,
            actor=participant.user,
            direction=SkillDirection.TEACH,
            items=[],
        )


def test_a_combined_update_writes_nothing_when_one_part_is_wrong(participant):
    with pytest.raises(ValidationFailed) as caught:
        services.person_update_profile(
            person=participant,
            actor=participant.user,
            data={"bio": "New bio"},
            availability=[(0, "09:10", "10:00")],
            can_teach=[("unknown", 2)],
        )
    assert set(caught.value.errors) == {"availability", "can_teach"}
    participant.refresh_from_db()
    assert participant.bio == ""


# --- time zones -------------------------------------------------------------------------------


def test_it_converts_weekly_ranges_between_zones():
    monday = datetime.date(2025, 3, 3)
    # Jakarta (UTC+7) 09:00-12:00 Monday is 10:00-13:00 in Makassar (UTC+8).
    assert convert_weekly_ranges([(0, 540, 720)], "Asia/Jakarta", "Asia/Makassar", monday) == [
        (0, 600, 780)
    ]


def test_it_splits_a_converted_range_that_crosses_midnight_and_wraps_the_week():
    monday = datetime.date(2025, 3, 3)
    # Sunday 20:00-24:00 in Jakarta is Sunday 22:00-24:00 and Monday 00:00-02:00 in Tokyo (UTC+9).
    assert convert_weekly_ranges([(6, 1200, 1440)], "Asia/Jakarta", "Asia/Tokyo", monday) == [
        (0, 0, 120),
        (6, 1320, 1440),
    ]


def test_it_suggests_a_skill_for_a_near_miss(participant):
    SkillFactory(slug="zz-storytelling", name_en="Zz Storytelling", name_id="Zz Bercerita")
    with pytest.raises(ValidationFailed) as caught:
        services.person_set_skills(
            person=participant,
            actor=participant.user,
            direction=SkillDirection.LEARN,
            items=[("Zz Storytellin", 2)],
        )
    assert "did you mean “Zz Storytelling”" in caught.value.errors["wants_to_learn"][0]
