"""Mounted at /webhooks/ by the root URLconf (platforms post here; no session, no CSRF)."""

from django.urls import path

from oms.channels import webhooks

app_name = "webhooks"

urlpatterns = [
    path("shopify/<slug:code>/", webhooks.shopify_webhook, name="shopify"),
    path("woocommerce/<slug:code>/", webhooks.woocommerce_webhook, name="woocommerce"),
]
