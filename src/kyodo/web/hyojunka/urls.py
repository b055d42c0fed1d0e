from django.urls import path

from kyodo.web.hyojunka import views, views_dashboard, views_help

app_name = "hyojunka"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.monthly_submit, name="monthly_submit"),
    path("survey/", views.survey_upload, name="survey_upload"),
    path("survey/template.xlsx", views.survey_template, name="survey_template"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/steps/<int:number>/", views.step_update, name="step_update"),
    path("plans/<int:pk>/steps/<int:number>/help/", views_help.help_request, name="help_request"),
    path("plans/<int:pk>/fitgap/", views_help.fitgap, name="fitgap"),
    path("overview/", views_dashboard.overview, name="overview"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views_dashboard.dashboard_export, name="dashboard_export"),
]
