from django.urls import path

from kyodo.web.hoiku import views, views_adjust, views_children, views_results

app_name = "hoiku"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/upload/", views.upload, name="upload"),
    path("rounds/<int:pk>/run/", views.run_start, name="run_start"),
    path("rounds/<int:pk>/decisions/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/revoke/", views.decision_revoke, name="decision_revoke"),
    path("inputs/<int:pk>/<str:role>/", views_results.input_download, name="input_download"),
    path("runs/<int:pk>/", views_results.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/reproduce/", views.run_reproduce, name="run_reproduce"),
    path("runs/<int:pk>/retry/", views.run_retry, name="run_retry"),
    path("runs/<int:pk>/waitlist/", views_results.waitlist, name="waitlist"),
    path("runs/<int:pk>/flags/", views_results.flags, name="flags"),
    path("runs/<int:pk>/facilities/<str:facility_id>/", views_results.facility_detail, name="facility_detail"),
    path("runs/<int:pk>/children/<str:child_id>/", views_results.child_detail, name="child_detail"),
    path("runs/<int:pk>/children/", views_children.children_list, name="children_list"),
    path("runs/<int:pk>/decisions/preview/", views_adjust.decision_preview, name="decision_preview"),
    path("runs/<int:pk>/diff/<int:other>/", views_results.run_diff, name="run_diff"),
    path("runs/<int:pk>/download/<str:kind>/", views_results.download, name="download"),
]
