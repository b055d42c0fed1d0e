from django.urls import URLPattern, URLResolver

app_name = "kenshu"
urlpatterns: list[URLPattern | URLResolver] = []
