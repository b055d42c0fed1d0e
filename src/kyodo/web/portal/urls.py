from django.urls import path

from kyodo.web.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("read/", views.notification_read, name="notification_read"),
]
