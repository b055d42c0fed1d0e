from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kyodo.web.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from kyodo.web.audit import signals  # noqa: F401  (connects the login signals)

        # Each app's `actions` module registers its audit actions (`registry.register`) on import.
        autodiscover_modules("actions")
