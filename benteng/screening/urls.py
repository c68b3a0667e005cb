from django.urls import path

from benteng.screening import views, views_amendments

app_name = "screening"

urlpatterns = [
    path("loket/", views.counter, name="counter"),
    path("loket/desa/", views.desa_options, name="desa_options"),
    path("permohonan/", views.application_list, name="applications"),
    path("permohonan/<int:pk>/", views.application_detail, name="application_detail"),
    path("permohonan/<int:pk>/keputusan/", views.application_decision, name="application_decision"),
    path("keputusan-peringatan/", views.decision_oversight, name="decision_oversight"),
    path(
        "permohonan/<int:pk>/koreksi/",
        views_amendments.application_amend,
        name="application_amend",
    ),
    path("tpi/", views.departure_check, name="departure_check"),
    path("keberangkatan/", views.departure_list, name="departures"),
    path("tpi/<int:pk>/", views.departure_detail, name="departure_detail"),
    path("tpi/<int:pk>/koreksi/", views_amendments.departure_amend, name="departure_amend"),
]
