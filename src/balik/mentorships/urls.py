from django.urls import path

from balik.mentorships import views

app_name = "mentorships"

# balik.site.urls adds `decline` (a matching view) to this namespace, ahead of `act`, and
# `list` ("My mentorships", which shows mentor requests too: a site view).

urlpatterns = [
    path("<int:mentorship_id>/", views.detail, name="detail"),
    path(
        "<int:mentorship_id>/sessions/<int:session_id>/invite.ics",
        views.invite,
        name="invite",
    ),
    path("<int:mentorship_id>/<slug:action>/", views.act, name="act"),
]
