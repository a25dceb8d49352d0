from django.urls import path

from balik.mentorships import views

app_name = "mentorships"

urlpatterns = [
    path("", views.mentorship_list, name="list"),
    path("<int:mentorship_id>/", views.detail, name="detail"),
    path("<int:mentorship_id>/decline/", views.decline, name="decline"),
    path(
        "<int:mentorship_id>/sessions/<int:session_id>/invite.ics",
        views.invite,
        name="invite",
    ),
    path("<int:mentorship_id>/<slug:action>/", views.act, name="act"),
]
