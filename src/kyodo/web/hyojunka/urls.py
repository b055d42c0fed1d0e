from django.urls import URLPattern, URLResolver

app_name = "hyojunka"
urlpatterns: list[URLPattern | URLResolver] = []
