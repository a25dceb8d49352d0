from django.urls import path

from balik.feedback import views

urlpatterns = [
    path("assessment/<slug:phase>/", views.assessment, name="assessment"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("questions/", views.questions, name="questions"),
    path("questions/<int:question_id>/remove/", views.remove_question, name="question-remove"),
]
