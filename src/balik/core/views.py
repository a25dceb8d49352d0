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
    request: HttpRequest,
    reason: str | Promise | None,
    *,
    status: int,
    title: str | Promise | None = None,
) -> HttpResponse:
    """The one styled page for a refused request: its status, a title, and why."""
    titles = {
        400: _("This request could not be read"),
        403: _("You cannot open this page"),
        404: _("Page not found"),
    }
    title = title or titles.get(status, _("This cannot be done now"))
    if not reason:
        reasons = {
            400: _("The address or the form sent was not understood. Go back and try again."),
            404: _(
                "There is nothing at this address. Check it for a typing mistake, or start "
                "again from the home page."
            ),
        }
        reason = reasons.get(status, _("You do not have permission to do this."))
    return render(
        request,
        "core/refused.html",
        {"title": str(title), "reason": str(reason), "status": status},
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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal (`CSRF_FAILURE_VIEW`): the styled page, saying what to do."""
    return refused_page(
        request,
        _(
            "The form could not be sent: the page was open for a long time, or the form came "
            "from another site. Go back, reload the page and send the form again."
        ),
        status=403,
        title=_("The form could not be sent"),
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 handler: the styled page."""
    return refused_page(request, None, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: a page that needs neither the database nor the signed-in user."""
    return render(request, "core/server_error.html", status=500)
