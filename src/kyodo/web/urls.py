"""URLs of every Kyodo app. tests/web/test_access_matrix.py requires an entry for each one."""

from django.urls import include, path

from kyodo.web import health

urlpatterns = [
    path("", include("kyodo.web.accounts.urls")),
    path("audit/", include("kyodo.web.audit.urls")),
    path("hoiku/", include("kyodo.web.hoiku.urls")),
    path("jinzai/", include("kyodo.web.jinzai.urls")),
    path("gijiroku/", include("kyodo.web.gijiroku.urls")),
    path("kenshu/", include("kyodo.web.kenshu.urls")),
    path("shishin/", include("kyodo.web.shishin.urls")),
    path("hyojunka/", include("kyodo.web.hyojunka.urls")),
    path("jirei/", include("kyodo.web.jirei.urls")),
    path("notifications/", include("kyodo.web.portal.urls")),
    path("healthz", health.healthz, name="healthz"),
]
