from django.urls import include, path

from oms.orders import views

app_name = "orders"

urlpatterns = [
    path("review/", include("oms.orders.review.urls")),
    path("", views.order_list, name="list"),
    path("invalid/", views.invalid_list, name="invalid"),
    path("rejected/", views.rejected_list, name="rejected"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("views/", views.saved_view_save, name="view_save"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="view_delete"),
    path("new/", views.order_new, name="new"),
    path("new/address/", views.address_lookup, name="address_lookup"),
    path("new/products/", views.product_search, name="product_search"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/correct/", views.order_correct, name="correct"),
    path("<int:pk>/resubmit/", views.order_resubmit, name="resubmit"),
]
