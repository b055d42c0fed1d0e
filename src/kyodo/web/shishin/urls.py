from django.urls import URLPattern, URLResolver

app_name = "shishin"
urlpatterns: list[URLPattern | URLResolver] = []
