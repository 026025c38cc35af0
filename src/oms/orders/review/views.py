"""Review console: queues per stage with bulk actions, the side-by-side review page, merge
suggestions, stock shortages, the rule set and the blacklist. Views parse input, check
permissions and call oms.orders.review.actions; reads go through restrict()."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from oms.core import bounded, validators
from oms.core.actor import Actor
from oms.core.permissions import module_required
from oms.core.redirects import safe_next
from oms.core.scoping import get_in_scope_or_404
from oms.orders import rules as intake_rules
from oms.orders import selectors, workflow
from oms.orders.choices import STATUS_COLOURS
from oms.orders.choices import OrderStatus as S
from oms.orders.models import Order
from oms.orders.review import actions
from oms.orders.review.forms import BlacklistForm, HoldForm, RejectForm, ReviewRuleForm
from oms.orders.review.models import (
    BlacklistEntry,
    BlacklistKind,
    OrderHold,
    RejectReason,
    ReviewRule,
)
from oms.orders.review.rules import KINDS, OUTCOMES, Finding

STAGES: list[tuple[str, Any]] = [
    (S.PENDING_REVIEW, gettext_lazy("Pending review")),
    (S.PENDING_FINANCE, gettext_lazy("Finance review")),
    (S.ON_HOLD, gettext_lazy("On hold")),
    (S.APPROVED, gettext_lazy("To confirm")),
    (S.AWAITING_STOCK, gettext_lazy("Awaiting stock")),
]
# The console's review actions; who may use each comes from the lifecycle table (workflow.COMMANDS).
REVIEW_COMMANDS = ("approve", "reject", "hold", "release", "confirm", "cancel", "split")
PAGE_SIZE = 50


def may(user: Any, action: str) -> bool:
    return action in REVIEW_COMMANDS and workflow.may_command(user, action)


def perform(request: HttpRequest, action: str, order_id: int, data: Any) -> str:
    """Run one review action for the signed-in user; returns the success message, raises the
    action's exceptions (TransitionNotAllowed, StaleVersion, ActionRefused, ValidationError)."""
    if not may(request.user, action):
        raise PermissionDenied
    actor = Actor.from_request(request)
    version = data.get("version") or None
    if action == "approve":
        order = actions.approve_order(order_id=order_id, actor=actor, version=version, note=data.get("note", ""))
        if order.status == S.PENDING_FINANCE:
            return _("%(number)s approved; it now waits for finance review.") % {"number": order.number}
        return _("%(number)s approved.") % {"number": order.number}
    if action == "reject":
        form = RejectForm(data)
        if not form.is_valid():
            raise ValidationError(_("Choose a reason for the rejection."))
        order = actions.reject_order(
            order_id=order_id,
            actor=actor,
            version=version,
            reason_code=form.cleaned_data["reason_code"],
            text=form.cleaned_data["text"],
        )
        return _("%(number)s returned to the clerks for correction.") % {"number": order.number}
    if action == "hold":
        hold = HoldForm(data)
        if not hold.is_valid():
            raise ValidationError(_("Give a reason for the hold (and a valid release time, if any)."))
        order = actions.hold_order(
            order_id=order_id,
            actor=actor,
            version=version,
            reason=hold.cleaned_data["reason"],
            release_at=hold.cleaned_data["release_at"],
        )
        return _("%(number)s is on hold.") % {"number": order.number}
    if action == "release":
        order = actions.release_order(order_id=order_id, actor=actor, version=version, note=data.get("note", ""))
        return _("%(number)s released; it waits for review.") % {"number": order.number}
    if action == "confirm":
        order = actions.confirm_order(order_id=order_id, actor=actor, version=version)
        if order.status == S.CONFIRMED:
            return _("%(number)s confirmed, tracking number %(tracking)s.") % {
                "number": order.number,
                "tracking": order.tracking_number,
            }
        return _("%(number)s awaits stock; it is confirmed automatically when stock arrives.") % {
            "number": order.number
        }
    if action == "cancel":
        order = actions.cancel_order(
            order_id=order_id, actor=actor, version=version, reason=data.get("reason") or data.get("text", "")
        )
        return _("%(number)s cancelled.") % {"number": order.number}
    if action == "split":
        parts = actions.split_order(order_id=order_id, actor=actor, version=version, mode=data.get("mode", ""))
        return _("Split into %(orders)s.") % {"orders": ", ".join(p.number for p in parts)}
    raise ValidationError(_("Unknown action."))


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


ERRORS = (workflow.TransitionNotAllowed, actions.StaleVersion, actions.ActionRefused, ValidationError)


# --- queue ------------------------------------------------------------------------------------


def _fired(findings: list[dict[str, Any]]) -> list[Finding]:
    return [f for f in (Finding.from_dict(d) for d in findings or []) if f.fired]


@module_required("orders", ["orders.view_order"])
def queue(request: HttpRequest) -> HttpResponse:
    from oms.channels.models import Channel

    user = request.user
    default = (
        S.PENDING_FINANCE
        if user.has_perms(workflow.permissions_for("finance_approve_order"))
        and not user.has_perms(workflow.permissions_for("approve_order"))
        else S.PENDING_REVIEW
    )
    stage = request.GET.get("stage") or default
    if stage not in dict(STAGES):
        stage = default
    base = Order.objects.restrict(user)
    counts = dict(
        base.filter(status__in=[s for s, _l in STAGES]).values_list("status").annotate(n=Count("pk")).order_by()
    )
    qs = base.filter(status=stage).select_related("channel", "review")
    q = (request.GET.get("q") or "").strip()
    if q:
        cond = Q(number__icontains=q) | Q(customer_name__icontains=q) | Q(external_number__icontains=q)
        if selectors.can_see_personal_data(user):
            cond |= Q(customer_phone__icontains=q)
        qs = qs.filter(cond)
    errors: dict[str, str] = {}
    channel = bounded.lenient(bounded.identifier, request.GET, "channel", errors)
    if channel:
        qs = qs.filter(channel_id=channel)
    for key, lookup in (("min_total", "total_amount__gte"), ("max_total", "total_amount__lte")):
        value = bounded.lenient(bounded.amount, request.GET, key, errors)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    for reason in errors.values():  # those values were ignored; say why
        messages.warning(request, reason)
    if request.GET.get("export") == "xlsx":
        if not user.has_perm("orders.export_orders"):
            raise PermissionDenied
        from oms.orders.views import export_xlsx

        return export_xlsx(user, qs)
    qs = qs.prefetch_related(
        Prefetch("holds", queryset=OrderHold.objects.filter(released_at=None), to_attr="open_holds"),
    ).order_by("created_at", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    shortages = selectors.open_shortages([o.pk for o in page.object_list])
    can_see = selectors.can_see_personal_data(user)
    rows = []
    for o in page.object_list:
        review = getattr(o, "review", None)
        rows.append(
            {
                "order": o,
                "phone": o.customer_phone if can_see else validators.mask_phone(o.customer_phone),
                "fired": _fired(review.findings if review else []),
                "needs_finance": bool(review and review.needs_finance),
                "hold": o.open_holds[0] if o.open_holds else None,
                "shortages": shortages.get(o.pk, []),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    bulk_actions = [
        (a, label)
        for a, label in (
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("release", _("Release")),
            ("confirm", _("Confirm")),
            ("cancel", _("Cancel")),
        )
        if may(user, a) and _stage_allows(stage, a)
    ]
    return render(
        request,
        "orders/review/queue.html",
        {
            "stage": stage,
            "stages": [(s, label, counts.get(s, 0)) for s, label in STAGES],
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "q": q,
            "channel": channel,
            "channels": Channel.objects.restrict(user).only("pk", "code", "name"),
            "bulk_actions": bulk_actions,
            "reject_reasons": RejectReason.choices,
            "suggestions": actions.merge_suggestions(base)[:20]
            if stage in (S.APPROVED,) and workflow.may_command(user, "merge")
            else [],
            "can_export": user.has_perm("orders.export_orders"),
        },
    )


def _stage_allows(stage: str, action: str) -> bool:
    return workflow.command_applies(stage, action)


@require_POST
@module_required("orders", ["orders.view_order"])
def bulk(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    back = safe_next(request, reverse("orders:review:queue"))
    if action not in REVIEW_COMMANDS or action == "split":
        messages.error(request, _("Unknown action."))
        return redirect(back)
    if not may(request.user, action):
        raise PermissionDenied
    ids = bounded.ids(request.POST.getlist("ids"))
    ids = list(Order.objects.restrict(request.user).filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    if not ids:
        messages.warning(request, _("Select at least one order first."))
        return redirect(back)
    data = request.POST.copy()
    data.pop("version", None)  # versions are per order; bulk actions act on the current one
    done, failed = 0, []
    for order_id in ids:
        try:
            perform(request, action, order_id, data)
            done += 1
        except ERRORS as exc:
            failed.append(_error_text(exc))
    if done:
        messages.success(request, _("%(done)s of %(total)s orders done.") % {"done": done, "total": len(ids)})
    if failed:
        messages.warning(
            request,
            _("%(n)s orders were not changed: %(why)s") % {"n": len(failed), "why": " ".join(sorted(set(failed))[:3])},
        )
    return redirect(back)


@require_POST
@module_required("orders", workflow.command_permissions("merge"))
def merge(request: HttpRequest) -> HttpResponse:
    ids = bounded.ids(request.POST.getlist("ids"))
    ids = list(Order.objects.restrict(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    try:
        group = actions.merge_orders(order_ids=ids, actor=Actor.from_request(request))
    except ERRORS as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("Merged into shipment group %(group)s (%(n)s orders).")
            % {"group": group.number, "n": group.orders.count()},
        )
    return redirect(f"{reverse('orders:review:queue')}?stage=approved")


# --- one order --------------------------------------------------------------------------------


def _line_rows(order: Order) -> list[dict[str, Any]]:
    rows = []
    for ln in order.lines.select_related("product"):
        listed = ln.product.list_price if ln.product is not None else None
        share = (ln.unit_price * 100 / listed).quantize(Decimal("1")) if listed else None
        rows.append({"line": ln, "list_price": listed, "share": share, "low": share is not None and share < 100})
    return rows


def review_context(request: HttpRequest, order: Order) -> dict[str, Any]:
    user = request.user
    can_see = selectors.can_see_personal_data(user)
    review = getattr(order, "review", None) if hasattr(order, "review") else None
    rules_by_code = {r.code: r for r in ReviewRule.objects.all()}
    findings = []
    for f in (Finding.from_dict(d) for d in (review.findings if review else [])):
        rule = rules_by_code.get(f.code)
        findings.append(
            {
                "finding": f,
                "description": rule.localized_description() if rule else f.label,
                "outcome": dict(OUTCOMES).get(f.outcome, f.outcome),
            }
        )
    phone = validators.parse_phone(order.customer_phone or "")
    resolved, _rest = intake_rules.resolve_address(
        order.province, order.city, order.district, order.address_detail, order.address_raw
    )
    allowed = workflow.allowed_commands(order.status, user)
    available = [a for a in REVIEW_COMMANDS if a in allowed]
    return {
        "order": order,
        "review": review,
        "findings": findings,
        "phone": order.customer_phone if can_see else validators.mask_phone(order.customer_phone),
        "id_card": order.customer_id_card if can_see else validators.mask_id_card(order.customer_id_card),
        "phone_valid": phone is not None,
        "name_valid": validators.is_valid_name(order.customer_name),
        "id_card_problem": validators.id_card_problem(order.customer_id_card) if order.customer_id_card else None,
        "address_resolved": resolved,
        "lines": _line_rows(order),
        "paid_ok": abs(order.paid_amount - order.total_amount) <= Decimal("0.01"),
        "status_colour": STATUS_COLOURS.get(S(order.status), "secondary"),
        "available": available,
        "hold": order.holds.filter(released_at=None).first(),
        "groups": list(order.merge_groups.prefetch_related("orders")),
        "progress": actions.line_progress(order),
        "shortages": selectors.open_shortages([order.pk]).get(order.pk, []),
        "reject_form": RejectForm(),
        "hold_form": HoldForm(),
        "delivery_problem": actions.delivery_problem(order) if "confirm" in available else "",
    }


@module_required("orders", ["orders.view_order"])
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_in_scope_or_404(Order.objects.select_related("channel", "warehouse"), request.user, pk=pk)
    return render(request, "orders/review/order.html", review_context(request, order))


@require_POST
@module_required("orders", ["orders.view_order"])
def act(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_in_scope_or_404(Order.objects.all(), request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        messages.success(request, perform(request, action, order.pk, request.POST))
    except ERRORS as exc:
        messages.error(request, _error_text(exc))
    return redirect(safe_next(request, reverse("orders:review:order", args=[order.pk])))


# --- stock shortages (awaiting stock alerts) --------------------------------------------------


@module_required("orders", ["orders.view_order"])
def shortages(request: HttpRequest) -> HttpResponseBase:
    """The orders' "stock_shortage" alerts, with the order and SKU filters and exports of this page."""
    from oms.channels.models import Channel
    from oms.core.exports import Column, scoped_export
    from oms.inventory.models import Product
    from oms.monitoring import selectors as alert_selectors
    from oms.monitoring.kinds import ACTIVE_STATES, AlertKind

    rows = alert_selectors.for_user(request.user).filter(kind=AlertKind.STOCK_SHORTAGE, state__in=ACTIVE_STATES)
    q = (request.GET.get("q") or "").strip()
    if q:
        named = Product.objects.filter(name__icontains=q).values_list("pk", flat=True)[:500]
        rows = rows.filter(
            Q(params__number__icontains=q) | Q(params__sku__icontains=q) | Q(cause__in=[f"product:{p}" for p in named])
        )
    channel = request.GET.get("channel") or ""
    if channel:
        rows = rows.filter(channel_id__in=Channel.objects.filter(code=channel).values("pk"))
    rows = rows.order_by("opened_at", "pk")
    fmt = request.GET.get("export") or ""
    if fmt in ("csv", "xlsx"):
        columns: list[Column] = [
            (_("Order"), lambda a: a.params.get("number", "")),
            (_("SKU"), lambda a: a.params.get("sku", "")),
            (_("Missing"), lambda a: a.params.get("quantity")),
            (_("Since"), "opened_at"),
        ]
        return scoped_export(request.user, rows, columns, fmt, "stock-shortages")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(
        Product.objects.filter(pk__in=[a.params.get("product_id") for a in page.object_list]).values_list("pk", "name")
    )
    shown = [(a, names.get(a.params.get("product_id"), "")) for a in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orders/review/shortages.html",
        {
            "page": page,
            "rows": shown,
            "now": timezone.now(),
            "q": q,
            "channel": channel,
            "channels": Channel.objects.restrict(request.user).order_by("code"),
            "query": query.urlencode(),
        },
    )


# --- rule set ---------------------------------------------------------------------------------


@module_required("orders", ["orders.view_reviewrule"])
def rule_list(request: HttpRequest) -> HttpResponse:
    from oms.system import params

    return render(
        request,
        "orders/review/rules.html",
        {
            "rules": ReviewRule.objects.all(),
            "kinds": KINDS,
            "can_edit": request.user.has_perm("orders.change_reviewrule"),
            "can_add": request.user.has_perm("orders.add_reviewrule"),
            "auto_review": params.get("workflow.auto_review_enabled"),
        },
    )


@module_required("orders", ["orders.add_reviewrule"])
def rule_new(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@module_required("orders", ["orders.change_reviewrule"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_form(request, get_object_or_404(ReviewRule, pk=pk))


def _rule_form(request: HttpRequest, rule: ReviewRule | None) -> HttpResponse:
    form = ReviewRuleForm(request.POST or None, instance=rule)
    if request.method == "POST":
        if "delete" in request.POST and rule is not None:
            if not request.user.has_perm("orders.delete_reviewrule"):
                raise PermissionDenied
            actions.delete_rule(rule_id=rule.pk, actor=Actor.from_request(request))
            messages.success(request, _("Rule deleted."))
            return redirect("orders:review:rules")
        if form.is_valid():
            actions.save_rule(rule=form.save(commit=False), actor=Actor.from_request(request), created=rule is None)
            messages.success(request, _("Rule saved; it applies to the next orders reviewed."))
            return redirect("orders:review:rules")
    return render(
        request,
        "orders/review/rule_form.html",
        {"form": form, "rule": rule, "kinds": [(k, v[0], v[1]) for k, v in KINDS.items()]},
    )


# --- blacklist --------------------------------------------------------------------------------


@module_required("orders", ["orders.view_blacklistentry"])
def blacklist(request: HttpRequest) -> HttpResponseBase:
    form = BlacklistForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("orders.add_blacklistentry"):
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.add_blacklist(actor=Actor.from_request(request), user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("Added to the blacklist."))
                return redirect("orders:review:blacklist")
    entries = BlacklistEntry.objects.select_related("created_by")
    kind = request.GET.get("kind") or ""
    if kind:
        entries = entries.filter(kind=kind)
    q = (request.GET.get("q") or "").strip()
    if q:
        entries = entries.filter(Q(value__icontains=q) | Q(reason__icontains=q))
    fmt = request.GET.get("export") or ""
    if fmt in ("csv", "xlsx"):
        from oms.core.exports import Column, scoped_export

        columns: list[Column] = [
            (_("Kind"), lambda e: e.get_kind_display()),
            (_("Value"), "value"),
            (_("Reason"), "reason"),
            (_("Added by"), "created_by"),
            (_("Added at"), "created_at"),
        ]
        return scoped_export(request.user, entries.order_by("pk"), columns, fmt, "blacklist")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/review/blacklist.html",
        {
            "form": form,
            "page": page,
            "kind": kind,
            "q": q,
            "kinds": BlacklistKind.choices,
            "query": "&".join(f"{k}={v}" for k, v in (("kind", kind), ("q", q)) if v),
        },
    )


@require_POST
@module_required("orders", ["orders.delete_blacklistentry"])
def blacklist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(BlacklistEntry, pk=pk)
    actions.remove_blacklist(entry_id=pk, actor=Actor.from_request(request))
    messages.success(request, _("Removed from the blacklist."))
    return redirect("orders:review:blacklist")
