from django.urls import path

from benteng.screening import views_rules

app_name = "risk_rules"

urlpatterns = [
    path("", views_rules.rule_list, name="list"),
    path("versi/", views_rules.version_list, name="versions"),
    path("versi/<int:number>/", views_rules.version_detail, name="version_detail"),
    path("negara-tujuan/", views_rules.destination_list, name="destinations"),
    path("negara-tujuan/tambah/", views_rules.destination_create, name="destination_create"),
    path("negara-tujuan/<str:code>/ubah/", views_rules.destination_edit, name="destination_edit"),
    path("<slug:code>/", views_rules.rule_detail, name="detail"),
    path("<slug:code>/ubah/", views_rules.rule_edit, name="edit"),
]
