from django.urls import path

from oms.orders.review import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("merge/", views.merge, name="merge"),
    path("shortages/", views.shortages, name="shortages"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("blacklist/", views.blacklist, name="blacklist"),
    path("blacklist/<int:pk>/delete/", views.blacklist_delete, name="blacklist_delete"),
    path("<int:pk>/", views.review_page, name="order"),
    path("<int:pk>/act/", views.act, name="act"),
]
