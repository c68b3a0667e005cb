from django.contrib import admin
from django.urls import include, path

from benteng.api.urls import api

urlpatterns = [
    path("", include("benteng.web.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("daftar-pantauan/", include("benteng.watchlists.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("aturan-risiko/", include("benteng.screening.urls_rules")),
    path("penyaringan/", include("benteng.screening.urls")),
]
