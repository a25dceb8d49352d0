from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from balik.site.selectors import home_overview, my_mentorships


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", home_overview(request.user))


@login_required
@require_GET
def mentorship_list(request: HttpRequest) -> HttpResponse:
    """ "My mentorships" (composed here: pending requests belong to matching, above
    mentorships)."""
    return render(request, "mentorships/list.html", my_mentorships(request.user))
