from django.urls import path

from kyodo.web.gijiroku import views, views_editor, views_vocab

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
    path("meetings/<int:pk>/attendees/", views_editor.attendees, name="attendees"),
    path("meetings/<int:pk>/speakers/add/", views_editor.speaker_add, name="speaker_add"),
    path("meetings/<int:pk>/replace/", views_editor.replace, name="replace"),
    path("speakers/<int:pk>/assign/", views_editor.speaker_assign, name="speaker_assign"),
    path("segments/<int:pk>/split/", views_editor.segment_split, name="segment_split"),
    path("segments/<int:pk>/merge/", views_editor.segment_merge, name="segment_merge"),
    path("search/", views_editor.search, name="search"),
    path("glossary/", views_vocab.glossary, name="glossary"),
    path("corrections/", views_vocab.corrections, name="corrections"),
    path("roles/", views_vocab.member_roles, name="member_roles"),
]
