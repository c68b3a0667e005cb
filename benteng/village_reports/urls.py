from django.urls import path

from benteng.village_reports import views

app_name = "village_reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("baru/", views.report_new, name="new"),
    path("baru/token/", views.report_token, name="token"),
    path("baru/sw.js", views.report_worker, name="worker"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/verifikasi/", views.report_verify, name="verify"),
    path("<int:pk>/rujuk/", views.report_refer, name="refer"),
    path("<int:pk>/tutup/", views.report_close, name="close"),
    path("<int:pk>/foto/<int:photo_pk>/", views.report_photo, name="photo"),
]
