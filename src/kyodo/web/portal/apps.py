from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kyodo.web.portal"
    label = "portal"
    verbose_name = "ポータル"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's `portal` module registers its service (`registry.register`) on import.
        autodiscover_modules("portal")
