from django.urls import path

from benteng.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notifications_list, name="list"),
    path("dibaca-semua/", views.notifications_clear_all, name="clear_all"),
    path("pengaturan/", views.notification_settings, name="settings"),
    path("<int:pk>/", views.notification_follow, name="open"),
    path("<int:pk>/dibaca/", views.notification_clear, name="clear"),
]
