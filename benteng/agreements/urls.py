from django.urls import path

from benteng.agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.ledger_page, name="ledger"),
    path("orang/", views.person_page, name="person"),
]
