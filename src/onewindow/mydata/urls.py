from django.urls import path

from . import views

app_name = "mydata"
urlpatterns = [
    path("my-data/", views.dashboard, name="dashboard"),
    path("my-data/access-log/", views.access_log, name="access_log"),
    path("my-data/access-log.csv", views.access_log_csv_download, name="access_log_csv"),
    path("my-data/access-log.pdf", views.access_log_pdf_download, name="access_log_pdf"),
    path("my-data/<slug:code>/", views.service_detail, name="service"),
]
