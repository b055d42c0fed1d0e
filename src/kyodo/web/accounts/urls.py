from django.urls import path

from kyodo.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/admins/new/", views.organisation_admin_create, name="organisation_admin_create"),
]
