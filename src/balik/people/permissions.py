"""Who may see and edit a person: one helper per use, returning the person or refusing.

The directory is internal: every signed-in colleague may see every profile (never a birth year,
only the generation band). Org admins edit anyone; everyone else edits only themself.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import NotFound, PermissionRefused
from balik.people.models import Person
from balik.people.services import can_edit_person

__all__ = [
    "can_edit_person",
    "get_person_for_api_edit",
    "get_person_for_api_view",
    "get_person_for_edit",
    "get_person_for_view",
]


def _person_or_none(person_id: int) -> Person | None:
    return Person.objects.select_related("user", "manager").filter(pk=person_id).first()


def get_person_for_view(user: User, person_id: int) -> Person:
    """The person, for any signed-in user; 404 when there is no such person."""
    if not user.is_authenticated:
        raise PermissionDenied
    person = _person_or_none(person_id)
    if person is None:
        raise Http404(_("There is nobody with that id in the directory."))
    return person


def get_person_for_edit(user: User, person_id: int) -> Person:
    """The person, when `user` may edit them (403 otherwise); 404 when there is no such person."""
    person = get_person_for_view(user, person_id)
    if not can_edit_person(user, person):
        raise PermissionDenied(_("You can only edit your own profile."))
    return person


def get_person_for_api_view(user: User, person_id: int) -> Person:
    """As `get_person_for_view`, raising the API's error shape."""
    person = _person_or_none(person_id)
    if person is None:
        raise NotFound(_("There is nobody with id %(id)s in the directory.") % {"id": person_id})
    return person


def get_person_for_api_edit(user: User, person_id: int) -> Person:
    """As `get_person_for_edit`, raising the API's error shape."""
    person = get_person_for_api_view(user, person_id)
    if not can_edit_person(user, person):
        raise PermissionRefused(_("Only organisation admins can edit other people's profiles."))
    return person
