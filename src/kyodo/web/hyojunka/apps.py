from django.apps import AppConfig


class HyojunkaConfig(AppConfig):
    name = "kyodo.web.hyojunka"
    label = "hyojunka"
    verbose_name = "基幹業務システムの標準化"
