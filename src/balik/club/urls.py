from django.urls import path

from balik.club import views

app_name = "club"

urlpatterns = [
    path("", views.club_home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("health/", views.health, name="health"),
    path("packages/", views.packages, name="packages"),
    path("packages/pauses/<int:person_id>/lift/", views.pause_lift, name="pause-lift"),
    path("health/<slug:what>.csv", views.health_export, name="health-export"),
    path("settings/", views.settings_save, name="settings"),
    path("mentors/<int:person_id>/", views.mentor_page, name="mentor"),
    path("offerings/new/", views.offering_edit, name="offering_new"),
    path("offerings/<int:offering_id>/edit/", views.offering_edit, name="offering_edit"),
    path("offerings/<int:offering_id>/book/", views.book, name="book"),
    path("bookings/<int:booking_id>/<slug:action>/", views.booking_action, name="booking_action"),
]
