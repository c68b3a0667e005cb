from django.urls import path

from benteng.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("sandi/", views.password_change, name="password_change"),
    path("verifikasi/daftar/", views.two_factor_setup, name="two_factor_setup"),
    path("verifikasi/daftar/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("verifikasi/", views.two_factor_verify, name="two_factor_verify"),
    path("profil/", views.profile, name="profile"),
    path("rekan/", views.directory, name="directory"),
    path("rekan/<int:pk>/", views.directory_detail, name="directory_detail"),
    path("wilayah/", views.regions, name="regions"),
    path("wilayah/<str:code>/", views.regions_detail, name="regions_detail"),
    path("kantor/", views.offices, name="offices"),
    path("kantor/<slug:code>/", views.offices_detail, name="offices_detail"),
]
