from django.apps import AppConfig


class JireiConfig(AppConfig):
    name = "kyodo.web.jirei"
    label = "jirei"
    verbose_name = "事例の共有"
