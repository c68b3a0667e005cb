from django.urls import path

from benteng.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("baru/", views.referral_new, name="new"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/terima/", views.referral_acknowledge, name="acknowledge"),
    path("<int:pk>/tugaskan/", views.referral_assign, name="assign"),
    path("<int:pk>/selesai/", views.referral_close, name="close"),
    path("<int:pk>/kembalikan/", views.referral_return, name="return"),
    path("<int:pk>/komentar/", views.referral_comment, name="comment"),
    path("<int:pk>/berkas/", views.referral_file_add, name="file_add"),
    path("<int:pk>/orang/", views.referral_subject_add, name="subject_add"),
    path("<int:pk>/berkas/<int:file_pk>/", views.referral_file_download, name="file_download"),
]
