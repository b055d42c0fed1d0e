from django.apps import AppConfig


class GijirokuConfig(AppConfig):
    name = "kyodo.web.gijiroku"
    label = "gijiroku"
    verbose_name = "会議録作成支援"
