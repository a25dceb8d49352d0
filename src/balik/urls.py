from django.contrib import admin
from django.urls import include, path

from balik.accounts import views as account_views
from balik.core import views as core_views
from balik.core.api import api
from balik.feedback import views as feedback_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("balik.accounts.urls")),
    path("", include("balik.people.urls")),
    path("", include("balik.programs.urls")),
    path("mentorships/", include("balik.mentorships.urls")),
    path("inbox/", include("balik.notifications.urls")),
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
handler404 = "balik.core.api.page_not_found"
