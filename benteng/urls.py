from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from benteng.api.urls import api

urlpatterns = [
    path("", include("benteng.web.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("daftar-pantauan/", include("benteng.watchlists.urls")),
    path("penyaringan/", include("benteng.screening.urls")),
    path("notifikasi/", include("benteng.notifications.urls")),
    path("rujukan/", include("benteng.referrals.urls")),
    path("aturan-risiko/", include("benteng.screening.urls_rules")),
    path("kasus/", include("benteng.cases.urls")),
    path("kerja-sama/", include("benteng.cooperation.urls")),
    path("laporan-desa/", include("benteng.village_reports.urls")),
    path("pertukaran/", include("benteng.agreements.urls")),
    path("desa-binaan/", include("benteng.villages.urls")),
    # One audited login (with lock-out and 2FA) for the whole site, the admin included.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="web:login", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
