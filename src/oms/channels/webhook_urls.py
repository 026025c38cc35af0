"""Mounted at /webhooks/ by the root URLconf (platforms post here; no session, no CSRF)."""

from django.urls import path

from oms.channels import webhooks

app_name = "webhooks"

urlpatterns = [
    # One route for every platform with an adapter (oms.channels.registry): /webhooks/shopify/<code>/ ...
    path("<slug:platform>/<slug:code>/", webhooks.receive, name="receive"),
]
