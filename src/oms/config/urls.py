"""Root URLs. Each business area owns `urls.py` (console pages) and `api/urls.py` (REST, under /api/v1/)."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

AREAS = ["accounts", "system", "channels", "orders", "inventory", "logistics", "monitoring", "support"]

api_patterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves its script as a file: the Content-Security-Policy allows no inline script
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
for area in AREAS:
    api_patterns.append(path("", include(f"oms.{area}.api.urls")))

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("oms.web.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("webhooks/", include("oms.channels.webhook_urls")),
]
for area in AREAS:
    urlpatterns.append(path(f"{area}/", include(f"oms.{area}.urls")))

handler400 = "oms.web.views.bad_request"
handler403 = "oms.web.views.permission_denied"
handler404 = "oms.web.views.page_not_found"
handler500 = "oms.web.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
