from django.urls import path

from balik.mentorships import views

app_name = "mentorships"

# balik.site.urls adds `decline` (a matching view) to this namespace, ahead of `act`.

urlpatterns = [
    path("", views.mentorship_list, name="list"),
    path("<int:mentorship_id>/", views.detail, name="detail"),
    path(
        "<int:mentorship_id>/sessions/<int:session_id>/invite.ics",
        views.invite,
        name="invite",
    ),
    path("<int:mentorship_id>/<slug:action>/", views.act, name="act"),
]
