from django.urls import URLPattern, URLResolver

app_name = "jirei"
urlpatterns: list[URLPattern | URLResolver] = []
