from django.urls import path

from benteng.villages import views

app_name = "villages"

urlpatterns = [
    path("", views.village_index, name="index"),
    path("tetapkan/", views.designation_page, name="designate"),
    path("rencana-kerja/", views.work_plan_page, name="work_plans"),
    path("rekap/", views.totals_page, name="totals"),
    path("kunjungan/", views.outreach_list_page, name="outreach_list"),
    path("impor-pmi/", views.pmi_import_page, name="pmi_import"),
    path("berkas/<int:pk>/", views.outreach_file_download, name="file"),
    path("<int:pk>/", views.village_detail, name="detail"),
    path("<int:pk>/profil/", views.village_profile_page, name="profile"),
    path("<int:pk>/layanan/", views.service_day_page, name="service_day"),
    path("<int:pk>/penyuluhan/", views.outreach_page, name="outreach"),
    path("<int:pk>/ubah/", views.designation_page, name="designation_edit"),
    path("<int:pk>/dokumen/", views.designation_document, name="document"),
    path("<int:pk>/pic/", views.focal_person_page, name="focal_person"),
]
