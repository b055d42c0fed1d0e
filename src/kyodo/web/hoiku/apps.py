from django.apps import AppConfig


class HoikuConfig(AppConfig):
    name = "kyodo.web.hoiku"
    label = "hoiku"
    verbose_name = "保育所利用調整"
