from django.urls import path

from kyodo.web.jirei import views_case, views_import, views_search, views_talk

app_name = "jirei"
urlpatterns = [
    path("", views_search.search, name="search"),
    path("mine/", views_search.mine, name="mine"),
    path("export/", views_search.export, name="export"),
    path("import/", views_import.import_cases, name="import"),
    path("cases/new/", views_case.case_create, name="case_create"),
    path("cases/<int:pk>/", views_case.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views_case.case_edit, name="case_edit"),
    path("cases/<int:pk>/publish/", views_case.case_publish, name="case_publish"),
    path("cases/<int:pk>/delete/", views_case.case_delete, name="case_delete"),
    path("cases/<int:pk>/attachments/", views_case.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views_case.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views_case.attachment_delete, name="attachment_delete"),
    path("cases/<int:pk>/questions/", views_talk.question_create, name="question_create"),
    path("questions/<int:pk>/answer/", views_talk.question_answer, name="question_answer"),
    path("cases/<int:pk>/contact/", views_talk.contact_create, name="contact_create"),
    path("contacts/", views_talk.contact_list, name="contact_list"),
]
