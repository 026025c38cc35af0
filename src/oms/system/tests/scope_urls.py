"""A list, a detail, an API and an export of Warehouse, Channel and SkuMapping built only from the
shared scope helpers, mounted beside the real URLs for test_scoping (the areas' own pages use the same)."""

from django.http import JsonResponse
from django.urls import path
from rest_framework import generics, serializers

from oms.config.urls import urlpatterns as root_patterns
from oms.core.api import ModulePermission
from oms.core.exports import scoped_export
from oms.core.scoping import get_in_scope_or_404, restrict


def _model(name):
    from oms.channels.models import Channel, SkuMapping
    from oms.inventory.models import Warehouse

    return {"warehouse": Warehouse, "channel": Channel, "skumapping": SkuMapping}[name]


def _label(obj):
    return getattr(obj, "code", None) or obj.platform_sku


def list_view(request, model):
    return JsonResponse({"rows": [_label(o) for o in restrict(_model(model).objects.all(), request.user)]})


def detail_view(request, model, pk):
    return JsonResponse({"row": _label(get_in_scope_or_404(_model(model), request.user, pk=pk))})


def export_view(request, model):
    return scoped_export(request.user, _model(model).objects.all(), [("label", _label)], "csv", model)


class Row(serializers.Serializer):
    id = serializers.IntegerField()


class ApiList(generics.ListAPIView):
    permission_classes = [ModulePermission]
    serializer_class = Row
    filter_backends: list = []

    def get_queryset(self):
        return _model(self.kwargs["model"]).objects.restrict(self.request.user)


class ApiDetail(generics.RetrieveAPIView):
    permission_classes = [ModulePermission]
    serializer_class = Row

    def get_object(self):
        return get_in_scope_or_404(_model(self.kwargs["model"]), self.request.user, pk=self.kwargs["pk"])


urlpatterns = [
    path("scope-test/<str:model>/", list_view),
    path("scope-test/<str:model>/<int:pk>/", detail_view),
    path("scope-test/<str:model>/export.csv", export_view),
    path("scope-api/<str:model>/", ApiList.as_view()),
    path("scope-api/<str:model>/<int:pk>/", ApiDetail.as_view()),
    *root_patterns,
]
