from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def refused_page(
    request: HttpRequest, reason: str | Promise | None, *, status: int
) -> HttpResponse:
    """The one styled page for a refused request: its status, a title, and why."""
    titles = {
        403: _("You cannot open this page"),
        404: _("Page not found"),
    }
    title = titles.get(status, _("This cannot be done now"))
    if not reason:
        reason = (
            _("There is nothing at this address.")
            if status == 404
            else _("You do not have permission to do this.")
        )
    return render(
        request,
        "core/refused.html",
        {"title": title, "reason": str(reason), "status": status},
        status=status,
    )


def _reason(exception: Exception | None) -> str | None:
    """The message a view gave its Http404 or PermissionDenied; none for an unmatched address."""
    if exception is None or isinstance(exception, Resolver404):
        return None
    message = exception.args[0] if exception.args else None
    return str(message) if isinstance(message, str | Promise) else None


def permission_denied(request: HttpRequest, exception: PermissionDenied) -> HttpResponse:
    """Django's 403 handler: the styled page, with the reason the view gave."""
    return refused_page(request, _reason(exception), status=403)


def page_not_found(request: HttpRequest, exception: Http404) -> HttpResponse:
    """Django's 404 handler: the styled page, with the reason the view gave."""
    return refused_page(request, _reason(exception), status=404)
