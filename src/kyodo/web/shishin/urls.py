from django.urls import URLPattern, URLResolver, path

from kyodo.web.shishin import views, views_edition, views_feedback

app_name = "shishin"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("guidelines/new/", views.guideline_create, name="guideline_create"),
    path("guidelines/demo/", views.demo_load, name="demo_load"),
    path("guidelines/<int:pk>/", views.guideline_detail, name="guideline_detail"),
    path("guidelines/<int:pk>/draft/", views.draft_create, name="draft_create"),
    path("guidelines/<int:pk>/edition/", views_edition.edition_create, name="edition_create"),
    path("guidelines/<int:pk>/propose/", views_feedback.proposal_create, name="proposal_create"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:pk>/diff/", views.version_diff, name="version_diff"),
    path("editions/<int:pk>/", views_edition.edition_detail, name="edition_detail"),
    path("editions/<int:pk>/variables/", views_edition.edition_variables, name="edition_variables"),
    path("editions/<int:pk>/sections/<int:index>/", views_edition.section_edit, name="section_edit"),
    path("editions/<int:pk>/annex/", views_edition.annex_add, name="annex_add"),
    path("editions/<int:pk>/update/", views_edition.edition_update, name="edition_update"),
    path("editions/<int:pk>/history/<int:number>/", views_edition.edition_version, name="edition_version"),
    path("editions/<int:pk>/download/<str:fmt>/", views_edition.edition_download, name="edition_download"),
    path("proposals/", views_feedback.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", views_feedback.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/answer/", views_feedback.proposal_answer, name="proposal_answer"),
    path("requests/", views_feedback.request_list, name="request_list"),
    path("requests/<int:pk>/answer/", views_feedback.request_answer, name="request_answer"),
    path("tokyo/", views_feedback.dashboard, name="dashboard"),
]
