from django.urls import path

from benteng.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_index, name="index"),
    path("buka/", views.case_open_page, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/ubah/", views.case_update_page, name="update"),
    path("<int:pk>/tahap/", views.case_stage_page, name="stage"),
    path("<int:pk>/orang/", views.case_person_page, name="person_add"),
    path("<int:pk>/rute/", views.case_route_page, name="route_add"),
    path("<int:pk>/layanan/", views.case_service_page, name="service_add"),
    path(
        "<int:pk>/layanan/<int:service_id>/",
        views.case_service_status_page,
        name="service_status",
    ),
    path("<int:pk>/tim/", views.case_team_page, name="team"),
    path("<int:pk>/tim/<int:member_id>/keluarkan/", views.case_team_remove, name="team_remove"),
]
