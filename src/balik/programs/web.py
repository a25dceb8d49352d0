"""What the programme pages of every app share: the programme in the address, and whether the
person asking manages it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from balik.core.errors import NotFound
from balik.programs.models import Program
from balik.programs.services import can_manage, get_program


def program_or_404(slug: str) -> Program:
    try:
        return get_program(slug)
    except NotFound as missing:
        raise Http404(str(missing.message)) from None


def managed_program(request: HttpRequest, slug: str, refusal: str = "") -> Program:
    """The programme, when the person asking manages it; a 403 with `refusal` otherwise."""
    program = program_or_404(slug)
    if not can_manage(request.user, program):
        raise PermissionDenied(refusal or _("Only this programme's managers can do that."))
    return program
