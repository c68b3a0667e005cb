from django.urls import path

from benteng.cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("pelatihan/", views.trainings, name="trainings"),
    path("pelatihan/baru/", views.training_new, name="training_new"),
    path("pelatihan/<int:pk>/", views.training_detail, name="training"),
    path("pelatihan/<int:pk>/ubah/", views.training_edit, name="training_edit"),
    path("pelatihan/<int:pk>/materi/", views.training_material_add, name="material_add"),
    path(
        "pelatihan/<int:pk>/materi/<int:material_pk>/",
        views.training_material_download,
        name="material_download",
    ),
    path("operasi/", views.operations, name="operations"),
    path("operasi/baru/", views.operation_new, name="operation_new"),
    path("operasi/<int:pk>/", views.operation_detail, name="operation"),
    path("operasi/<int:pk>/ubah/", views.operation_edit, name="operation_edit"),
    path("fasilitas/", views.facilities, name="facilities"),
    path("fasilitas/baru/", views.facility_new, name="facility_new"),
    path("fasilitas/<int:pk>/", views.facility_detail, name="facility"),
    path("fasilitas/<int:pk>/ubah/", views.facility_edit, name="facility_edit"),
    path("pemesanan/", views.bookings, name="bookings"),
    path("pemesanan/<int:pk>/batal/", views.booking_cancel, name="booking_cancel"),
    path("laporan/", views.cooperation_report, name="report"),
    path("laporan.csv", views.cooperation_report_csv, name="report_csv"),
]
