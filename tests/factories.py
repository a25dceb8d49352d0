"""Factories for the people every test needs: admins, managers, participants."""

import factory
from django.utils import timezone

from balik.accounts.models import User
from balik.people.models import AvailabilitySlot, Person, PersonSkill, Skill, SkillDirection

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.id")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    full_name = factory.SelfAttribute("user.full_name")
    job_title = "Analyst"
    department = "Marketing"
    seniority_level = 3
    hire_date = factory.LazyFunction(lambda: timezone.localdate().replace(year=2020))
    birth_year = 1995
    languages = factory.LazyFunction(lambda: ["id", "en"])
    timezone = "Asia/Jakarta"


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"test-skill-{n}")
    name_en = factory.Sequence(lambda n: f"Test skill {n}")
    name_id = factory.Sequence(lambda n: f"Keahlian uji {n}")
    category = "technology"


class PersonSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonSkill

    person = factory.SubFactory(PersonFactory)
    skill = factory.SubFactory(SkillFactory)
    direction = SkillDirection.TEACH
    level = 2


class AvailabilitySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilitySlot

    person = factory.SubFactory(PersonFactory)
    weekday = 0
    start_time = "09:00"
    end_time = "11:00"


def give_feedback(session, author, rating: int, comment: str = "", **scores: int):
    """One person's feedback on a session; the scores not given are 3."""
    from balik.feedback.models import SessionFeedback

    return SessionFeedback.objects.create(
        session=session,
        author=author,
        rating=rating,
        comment=comment,
        **{"usefulness": 3, "preparation": 3, "psychological_safety": 3, **scores},
    )
