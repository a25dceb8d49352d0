from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from balik.site.selectors import home_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", home_overview(request.user))
