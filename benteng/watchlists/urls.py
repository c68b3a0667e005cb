from django.urls import path

from benteng.watchlists import views

app_name = "watchlists"

urlpatterns = [
    path("", views.watchlist_index, name="index"),
    path("entri/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entri/<int:pk>/ubah/", views.entry_update, name="entry_update"),
    path("entri/<int:pk>/akhiri/", views.entry_expire, name="entry_expire"),
    path("entri/<int:pk>/cabut/", views.entry_remove, name="entry_remove"),
    path("<slug:code>/", views.watchlist_entries, name="entries"),
    path("<slug:code>/tambah/", views.entry_create, name="entry_create"),
    path("<slug:code>/impor/", views.watchlist_import, name="import"),
    path(
        "<slug:code>/impor/templat/", views.watchlist_import_template_file, name="import_template"
    ),
    path("<slug:code>/ekspor/", views.watchlist_export_file, name="export"),
]
