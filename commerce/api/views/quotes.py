"""``/api/quotes/``: a company's requests for quote and the negotiation; staff
(the order desk, a sales rep for their own companies) answer with offers."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts import policy, staff_policy
from commerce import sites
from commerce.api.context import basket_of
from commerce.api.errors import ApiError
from commerce.api.permissions import staff_actor
from commerce.api.selectors import products_for
from commerce.api.serializers.quotes import (
    CounterSerializer,
    MessageSerializer,
    OfferSerializer,
    QuoteRequestSerializer,
    QuoteSerializer,
)
from commerce.api.views.base import ApiGenericView, ApiListView
from commerce.quotes import selectors, services


class QuoteMixin:
    required_action = None  # members by policy, staff by role (below)

    def membership(self):
        return getattr(self.site_request, "membership", None)

    def staff(self):
        # A staff member's own token or session acts with their role (the
        # sales team answers quotes from scripts too); integration tokens with
        # their issuer's.
        user = self.request.user
        actor = user if user.is_authenticated and user.is_staff else staff_actor(self.request)
        if actor is not None and staff_policy.may_use_section(actor, selectors.STAFF_SECTION):
            return actor
        return None

    def quotes(self):
        membership = self.membership()
        if membership is not None:
            return selectors.quotes_for_member(membership)
        staff = self.staff()
        if staff is not None:
            return selectors.quotes_for_staff(staff)
        return selectors.quotes_for_member(None)

    def quote(self, pk):
        try:
            found = self.quotes().filter(pk=int(pk)).first()
        except (TypeError, ValueError, OverflowError):
            found = None
        if found is None:
            raise Http404("No such quote.")
        return found

    def show(self, quote, code=status.HTTP_200_OK):
        return Response(QuoteSerializer(self.quote(quote.pk)).data, status=code)


class QuotesView(QuoteMixin, ApiListView):
    serializer_class = QuoteSerializer

    def get_queryset(self):
        return self.quotes().order_by("-created_at", "-pk")

    @extend_schema(request=QuoteRequestSerializer, responses={201: QuoteSerializer})
    def post(self, request):
        membership = self.membership()
        if self.site_request.channel != sites.PORTAL or membership is None:
            raise ApiError(
                "Quotes are requested on the business portal.",
                code="permission_denied",
                status_code=403,
            )
        policy.require(membership, policy.Action.PLACE_ORDER)
        body = QuoteRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("lines"):
            wanted = [line["product"] for line in data["lines"]]
            products = {p.pk: p for p in products_for(self.site_request).filter(pk__in=wanted)}
            missing = [pk for pk in wanted if pk not in products]
            if missing:
                raise ApiError(
                    "No such product.",
                    code="validation_error",
                    details={"lines": [f"No such product: {pk}." for pk in missing]},
                )
            lines = [
                (products[line["product"]], line["quantity"], line.get("target_price"))
                for line in data["lines"]
            ]
        else:
            basket = basket_of(request)
            lines = [
                (line.product, line.quantity, None)
                for line in (basket.all_lines() if basket.pk else [])
            ]
            if not lines:
                raise ApiError(
                    "Your basket is empty: add the products you want a quote for, or send lines.",
                    code="empty_basket",
                )
        quote = services.quote_request(
            membership=membership,
            lines=lines,
            message=data["message"],
            requested_date=data.get("requested_date"),
        )
        return self.show(quote, status.HTTP_201_CREATED)


class QuoteView(QuoteMixin, ApiGenericView):
    serializer_class = QuoteSerializer

    def get(self, request, pk: int):
        return Response(QuoteSerializer(self.quote(pk)).data)


class QuoteAcceptView(QuoteMixin, ApiGenericView):
    serializer_class = QuoteSerializer

    @extend_schema(request=None, responses={200: QuoteSerializer})
    def post(self, request, pk: int):
        quote = self.quote(pk)
        services.quote_accept(quote=quote, membership=self.membership())
        return self.show(quote)


class QuoteDeclineView(QuoteMixin, ApiGenericView):
    serializer_class = QuoteSerializer

    @extend_schema(request=MessageSerializer, responses={200: QuoteSerializer})
    def post(self, request, pk: int):
        quote = self.quote(pk)
        message = (
            str(request.data.get("message", ""))[:5000] if hasattr(request.data, "get") else ""
        )
        membership = self.membership()
        services.quote_decline(
            quote=quote, actor=request.user, membership=membership, message=message
        )
        return self.show(quote)


class QuoteCounterView(QuoteMixin, ApiGenericView):
    serializer_class = QuoteSerializer

    @extend_schema(request=CounterSerializer, responses={200: QuoteSerializer})
    def post(self, request, pk: int):
        quote = self.quote(pk)
        body = CounterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.quote_counter(
            quote=quote,
            membership=self.membership(),
            message=body.validated_data["message"],
            targets={line["id"]: line["target_price"] for line in body.validated_data["lines"]},
        )
        return self.show(quote)


class QuoteMessageView(QuoteMixin, ApiGenericView):
    serializer_class = QuoteSerializer

    @extend_schema(request=MessageSerializer, responses={201: QuoteSerializer})
    def post(self, request, pk: int):
        quote = self.quote(pk)
        body = MessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = self.membership()
        services.quote_message(
            quote=quote,
            actor=request.user,
            message=body.validated_data["message"],
            by_staff=membership is None,
            membership=membership,
        )
        return self.show(quote, status.HTTP_201_CREATED)


class QuoteOfferView(QuoteMixin, ApiGenericView):
    serializer_class = QuoteSerializer

    @extend_schema(request=OfferSerializer, responses={200: QuoteSerializer})
    def post(self, request, pk: int):
        staff = self.staff()
        if staff is None:
            raise ApiError(
                "Only the sales team may offer prices.", code="permission_denied", status_code=403
            )
        quote = selectors.quote_for_staff(staff, pk)
        if quote is None:
            raise Http404("No such quote.")
        body = OfferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.quote_offer(
            quote=quote,
            actor=staff,
            prices={line["id"]: line["price"] for line in data["lines"]},
            valid_until=data["valid_until"],
            message=data["message"],
        )
        return Response(QuoteSerializer(selectors.quote_for_staff(staff, pk)).data)
