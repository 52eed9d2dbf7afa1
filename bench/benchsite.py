"""The portal's URLconf plus a minimal Django view, the baseline of the benchmark.

`i18n_patterns` may not be used in an included URLconf, so the portal's patterns are
spliced in as they are rather than through `include()`; the result is the production
URLconf with one more route, `bench/hello/`.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from onewindow.config.urls import handler404, handler500
from onewindow.config.urls import urlpatterns as portal_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *portal_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
