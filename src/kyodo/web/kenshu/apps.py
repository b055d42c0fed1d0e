from django.apps import AppConfig


class KenshuConfig(AppConfig):
    name = "kyodo.web.kenshu"
    label = "kenshu"
    verbose_name = "研修の共同化"
