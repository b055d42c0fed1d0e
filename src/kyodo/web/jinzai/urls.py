from django.urls import path

from kyodo.web.jinzai import views, views_board, views_bulk, views_pool

app_name = "jinzai"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("engagements/", views.engagement_list, name="engagement_list"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement_detail"),
    path("engagements/<int:pk>/report/", views.engagement_report, name="engagement_report"),
    path("engagements/<int:pk>/implementation-report/", views.engagement_implementation_report,
         name="engagement_implementation_report"),
    path("engagements/<int:pk>/rating/", views.engagement_rating, name="engagement_rating"),
    path("me/", views_pool.my_profile, name="my_profile"),
    path("me/absences/", views_pool.absence_add, name="absence_add"),
    path("me/absences/<int:pk>/delete/", views_pool.absence_delete, name="absence_delete"),
    path("specialists/", views_pool.specialist_list, name="specialist_list"),
    path("specialists/new/", views_pool.specialist_create, name="specialist_create"),
    path("specialists/<int:pk>/", views_pool.specialist_edit, name="specialist_edit"),
    path("specialists/import/", views_bulk.specialist_import, name="specialist_import"),
    path("specialists/export/", views_bulk.specialist_export, name="specialist_export"),
    path("requests/import/", views_bulk.request_import, name="request_import"),
    path("requests/export/", views_bulk.request_export, name="request_export"),
    path("coordinators/", views_bulk.coordinator_list, name="coordinator_list"),
    path("board/", views_board.board, name="board"),
    path("board/run/", views_board.run_start, name="run_start"),
    path("runs/<int:pk>/progress/", views_board.run_progress, name="run_progress"),
    path("runs/<int:pk>/retry/", views_board.run_retry, name="run_retry"),
    path("proposals/<int:pk>/confirm/", views_board.proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/decline/", views_board.proposal_decline, name="proposal_decline"),
    path("charts/", views_board.charts, name="charts"),
]
