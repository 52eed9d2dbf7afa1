"""URL routes: every page under /ka/ and /en/; admin, sitemap and health check unprefixed."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from onewindow.catalog.sitemaps import SITEMAPS
from onewindow.pages import views as pages_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", pages_views.healthz, name="healthz"),
    path("api/exchange/", include("onewindow.exchange.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("onewindow.pages.urls")),
    path("", include("onewindow.catalog.urls")),
    path("", include("onewindow.mydata.urls")),
    path("", include("onewindow.identity.urls")),
    path("", include("onewindow.applications.urls")),
    path("office/", include("onewindow.backoffice.urls")),
    path("inbox/", include("onewindow.notifications.urls")),
    path("", include("onewindow.signing.urls")),
    prefix_default_language=True,
)

handler404 = "onewindow.pages.views.page_not_found"
handler500 = "onewindow.pages.views.server_error"
