from rest_framework.routers import SimpleRouter

from oms.monitoring.api import views

router = SimpleRouter()
router.register("alerts", views.AlertViewSet, basename="alert")

urlpatterns = router.urls
