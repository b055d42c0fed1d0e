from django.urls import path

from kyodo.web.gijiroku import views, views_vocab

app_name = "gijiroku"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("upload/", views.upload, name="upload"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/progress/", views.progress, name="progress"),
    path("meetings/<int:pk>/audio/", views.audio, name="audio"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/transcribe/", views.transcribe_again, name="transcribe_again"),
    path("meetings/<int:pk>/speakers/", views.speakers, name="speakers"),
    path("meetings/<int:pk>/export/<str:style>/<str:fmt>/", views.export, name="export"),
    path("segments/<int:pk>/", views.segment_edit, name="segment_edit"),
    path("glossary/", views_vocab.glossary, name="glossary"),
    path("corrections/", views_vocab.corrections, name="corrections"),
]
