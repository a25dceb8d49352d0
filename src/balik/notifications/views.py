"""The inbox and the choice of which notices reach a person, and how."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balik.notifications import services
from balik.notifications.models import ALWAYS_EMAILED, Kind, Preference

INBOX_PAGE = 30
FAILED_PAGE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.inbox(request.user), INBOX_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": services.unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(request.user)
    messages.success(request, _("Everything is marked as read."))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.preferences_set(
            request.user,
            {
                kind: (
                    request.POST.get(f"{kind}-in_app") == "1",
                    request.POST.get(f"{kind}-email") == "1",
                )
                for kind in Kind.values
                if kind not in ALWAYS_EMAILED
            },
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    saved = {p.kind: p for p in Preference.objects.filter(user=request.user)}
    rows = [
        {
            "kind": kind,
            "label": label,
            "in_app": saved[kind].in_app if kind in saved else True,
            "email": saved[kind].email if kind in saved else True,
        }
        for kind, label in Kind.choices
        if kind not in ALWAYS_EMAILED
    ]
    return render(request, "notifications/preferences.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def failed_emails(request: HttpRequest) -> HttpResponse:
    """E-mails that could not be delivered, with the mail server's reason: org admins only.
    Shows who and which kind of notice, never its text (that belongs to the recipient)."""
    if not request.user.is_org_admin:
        raise PermissionDenied(_("Only organisation admins see failed e-mails."))
    failed = services.failed_emails()
    if request.method == "POST":
        if "notice" in request.POST:  # the rows chosen; else every failed e-mail
            # row ids; anything else (or a number no id column holds) is ignored
            values = request.POST.getlist("notice")
            chosen = [int(value) for value in values if value.isdecimal() and len(value) <= 18]
            failed = failed.filter(pk__in=chosen)
        count = services.email_retry(notices=failed)
        messages.success(
            request,
            services.email_retry_sentence(count),
        )
        return redirect("notifications:failed")
    page = Paginator(failed, FAILED_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/failed.html", {"page": page})
