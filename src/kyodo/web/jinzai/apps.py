from django.apps import AppConfig


class JinzaiConfig(AppConfig):
    name = "kyodo.web.jinzai"
    label = "jinzai"
    verbose_name = "専門人材のマッチング"
