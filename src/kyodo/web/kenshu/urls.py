from django.urls import path

from kyodo.web.kenshu import views, views_survey

app_name = "kenshu"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/clear/", views.notice_clear, name="notice_clear"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/calendar.ics", views.session_ics, name="session_ics"),
    path("sessions/<int:pk>/qr.svg", views.session_qr, name="session_qr"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("surveys/", views_survey.survey_list, name="survey_list"),
    path("surveys/new/", views_survey.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views_survey.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/status/", views_survey.survey_status, name="survey_status"),
    path("surveys/<int:pk>/allocate/", views_survey.run_start, name="run_start"),
    path("answer/", views_survey.survey_answer, name="survey_answer"),
    path("nominate/", views_survey.nominate, name="nominate"),
    path("nominations/", views_survey.nomination_list, name="nomination_list"),
    path("nominations/<int:pk>/approve/", views_survey.nomination_approve, name="nomination_approve"),
    path("nominations/<int:pk>/cancel/", views_survey.nomination_cancel, name="nomination_cancel"),
    path("nominations/<int:pk>/certificate.pdf", views_survey.certificate, name="certificate"),
    path("runs/<int:pk>/progress/", views_survey.run_progress, name="run_progress"),
    path("records/", views_survey.staff_record, name="staff_record"),
    path("report/", views_survey.report, name="report"),
    path("report.xlsx", views_survey.report_xlsx, name="report_xlsx"),
]
