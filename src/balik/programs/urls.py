from django.urls import path

from balik.programs import views

app_name = "programs"

# The matching, health and feedback pages under programs/<slug>/ join this namespace in
# balik.site.urls, which composes the apps above this one.

urlpatterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/new/", views.program_create, name="create"),
    path("programs/join/<str:token>/", views.join, name="join"),
    path("programs/<slug:slug>/", views.program_detail, name="detail"),
    path("programs/<slug:slug>/settings/", views.program_settings, name="settings"),
    path("programs/<slug:slug>/status/", views.program_status, name="status"),
    path("programs/<slug:slug>/participants/", views.participants, name="participants"),
    path("programs/<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("programs/<slug:slug>/enrol/people/", views.enrol_people, name="enrol_people"),
    path("programs/<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
]
