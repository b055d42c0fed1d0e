from django.apps import AppConfig


class ShishinConfig(AppConfig):
    name = "kyodo.web.shishin"
    label = "shishin"
    verbose_name = "指針・ガイドライン"
