from django.urls import path
from rest_framework.routers import SimpleRouter

from oms.channels.api import views

router = SimpleRouter()
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("sku-mappings", views.SkuMappingViewSet, basename="sku-mapping")
router.register("imports", views.ImportJobViewSet, basename="import")

urlpatterns = [
    path("channels/<int:pk>/rotate-secret/", views.ChannelRotateSecretView.as_view(), name="channel-rotate-secret"),
    path("channels/<int:pk>/pull/", views.ChannelPullView.as_view(), name="channel-pull"),
    path("imports/<int:pk>/rejected.csv", views.ImportRejectedView.as_view(), name="import-rejected"),
    *router.urls,
]
