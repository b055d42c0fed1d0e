from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kyodo.web.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from kyodo.web.audit import signals  # noqa: F401  (connects the login signals)
