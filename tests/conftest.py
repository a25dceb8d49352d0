import pytest

from tests.factories import DEFAULT_PASSWORD, PersonFactory


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def org_admin(db):
    person = PersonFactory(
        full_name="Dewi Admin", user__full_name="Dewi Admin", user__email="admin@example.id"
    )
    person.user.is_org_admin = True
    person.user.save(update_fields=["is_org_admin"])
    return person


@pytest.fixture
def program_manager(db):
    person = PersonFactory(
        full_name="Putri Manager", user__full_name="Putri Manager", user__email="pm@example.id"
    )
    person.user.is_program_manager = True
    person.user.save(update_fields=["is_program_manager"])
    return person


@pytest.fixture
def participant(db):
    return PersonFactory(
        full_name="Rina Junior", user__full_name="Rina Junior", user__email="rina@example.id"
    )


@pytest.fixture
def other_participant(db):
    return PersonFactory(
        full_name="Budi Senior",
        user__full_name="Budi Senior",
        user__email="budi@example.id",
        seniority_level=8,
        birth_year=1972,
    )


@pytest.fixture
def outsider(db):
    return PersonFactory(
        full_name="Outsider", user__full_name="Outsider", user__email="outsider@example.id"
    )


@pytest.fixture
def participant_client(client, participant):
    client.force_login(participant.user)
    return client


@pytest.fixture
def admin_client_(client, org_admin):
    client.force_login(org_admin.user)
    return client
