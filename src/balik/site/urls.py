"""The root URLconf: every app's pages composed into one site.

The matching, health and feedback pages of a programme sit under its address and keep the
`programs:` namespace they had when `programs/urls.py` included them, so every name resolves
as before; `programs` itself no longer knows the apps above it. Likewise declining a match (a
matching view) keeps its `mentorships:decline` name on the mentorship's page."""

from django.contrib import admin
from django.urls import include, path

from balik.accounts import views as account_views
from balik.core import views as core_views
from balik.feedback import urls as feedback_urls
from balik.feedback import views as feedback_views
from balik.insights import urls as insights_urls
from balik.matching import urls as matching_urls
from balik.matching import views as matching_views
from balik.mentorships import urls as mentorships_urls
from balik.programs import urls as programs_urls
from balik.site import views as site_views
from balik.site.api import api

programme_pages = [
    *programs_urls.urlpatterns,
    path("programs/<slug:slug>/", include(matching_urls.urlpatterns)),
    path("programs/<slug:slug>/", include(insights_urls.urlpatterns)),
    path("programs/<slug:slug>/", include(feedback_urls.urlpatterns)),
]
mentorship_pages = [
    path("", site_views.mentorship_list, name="list"),
    path("<int:mentorship_id>/decline/", matching_views.decline, name="decline"),
    *mentorships_urls.urlpatterns,
]

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("balik.accounts.urls")),
    path("", include("balik.people.urls")),
    path("", include((programme_pages, programs_urls.app_name))),
    path("mentorships/", include((mentorship_pages, mentorships_urls.app_name))),
    path("inbox/", include("balik.notifications.urls")),
    path("club/", include("balik.club.urls")),
    path("my-answers/", feedback_views.my_answers, name="my-answers"),
    path(
        "my-answers.<slug:file_format>",
        feedback_views.my_answers_download,
        name="my-answers-download",
    ),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# Under /api/ a missing address answers in the API's error shape, not with an HTML page.
handler404 = "balik.site.api.page_not_found"
# A refusal of access: the styled page that says why (see balik.core.refusals).
handler403 = "balik.core.views.permission_denied"
handler400 = "balik.core.views.bad_request"
handler500 = "balik.core.views.server_error"
