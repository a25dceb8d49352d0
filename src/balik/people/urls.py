from django.urls import path

from balik.people import import_views, views

app_name = "people"

urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/me/", views.me, name="me"),
    path("people/org-chart/", views.org_chart, name="org_chart"),
    path("people/import/", import_views.upload, name="import"),
    path("people/import/<int:import_id>/", import_views.preview, name="import_preview"),
    path("people/<int:person_id>/", views.profile, name="profile"),
    path("people/<int:person_id>/edit/", views.edit, name="edit"),
    path("skills/", views.skills, name="skills"),
]
