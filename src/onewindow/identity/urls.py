"""The identity room's pages: sign-in (ID card, password), the account pages, the
Public Service Hall desk. URL names are listed in docs/identity.md."""

from django.urls import include, path

from . import views

app_name = "identity"

urlpatterns = [
    path("sign-in/", views.sign_in_page, name="sign-in"),
    path("sign-in/id-card/", include("onewindow.identity.idcard.urls")),
    path("sign-in/password/", include("onewindow.identity.password.urls")),
    path("account/", include("onewindow.identity.account.urls")),
    path("account/", include("onewindow.identity.password.account_urls")),
    path("hall/", include("onewindow.identity.hall.urls")),
]
