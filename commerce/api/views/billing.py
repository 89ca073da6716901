"""``/api/invoices/`` (JSON and PDF) and ``POST /api/payments/``."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts import policy, staff_policy
from accounts.models import Membership
from commerce import sites
from commerce.api.errors import ApiError
from commerce.api.permissions import StaffOrIntegration, staff_actor
from commerce.api.serializers.orders import (
    InvoiceDetailSerializer,
    InvoiceSerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
)
from commerce.api.views.base import ApiGenericView, ApiListView
from commerce.billing import card_payments, credit, payments, selectors, statements
from commerce.billing.models import CreditAccount
from commerce.billing.pdf import invoice_pdf_response, statement_pdf_response


def account_for(request):
    """The company's credit account on the portal, the person's (pay later) on the storefront."""
    site = request._request
    if site.channel == sites.PORTAL:
        return credit.account_for_company(site.company)
    return credit.account_for_user(request.user)


def payable_accounts(request):
    """The credit accounts this caller may record payments on: those of the
    companies its staff role reaches, never the caller's own (a customer
    member's token, or staff who are also a customer, do not settle their own
    invoices)."""
    actor = staff_actor(request)
    user = request.user
    accounts = staff_policy.company_scope(CreditAccount.objects.all(), actor)
    own = Membership.objects.filter(user__in={user.pk, actor.pk}).values("company_id")
    return accounts.exclude(Q(company__in=own) | Q(user__in={user.pk, actor.pk}))


class InvoiceListView(ApiListView):
    serializer_class = InvoiceSerializer
    required_action = policy.Action.VIEW_INVOICES

    def get_queryset(self):
        return selectors.invoices_of(account_for(self.request))


class InvoiceDetailView(ApiGenericView):
    serializer_class = InvoiceDetailSerializer
    required_action = policy.Action.VIEW_INVOICES

    def invoice(self, number):
        invoice = selectors.invoice_of(account_for(self.request), number)
        if invoice is None:
            raise Http404("No such invoice.")
        return invoice

    def get(self, request, number: str):
        return Response(self.get_serializer(self.invoice(number)).data)


class InvoicePDFView(InvoiceDetailView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, number: str):
        return invoice_pdf_response(self.invoice(number))


class InvoicePaySerializer(serializers.Serializer):
    card_token = serializers.CharField(max_length=200, help_text="A token from the card gateway.")
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        help_text="Part of the balance to pay; the whole balance when omitted.",
    )


class InvoicePayView(InvoiceDetailView):
    """Pay an open invoice (or part of it) by card: 201 with the payment; a
    declined card is a 402 ``payment_declined`` and records nothing."""

    serializer_class = PaymentSerializer

    @extend_schema(request=InvoicePaySerializer, responses={201: PaymentSerializer})
    def post(self, request, number: str):
        invoice = self.invoice(number)
        body = InvoicePaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = card_payments.invoices_pay_by_card(
            account=invoice.account,
            parts={invoice.number: body.validated_data.get("amount")},
            card_token=body.validated_data["card_token"],
            actor=request.user,
        )
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)


class PaymentCreateView(ApiGenericView):
    """Record a payment received against a credit account's invoices."""

    serializer_class = PaymentSerializer
    permission_classes = [StaffOrIntegration]
    staff_section = staff_policy.MONEY_AND_CREDIT

    @extend_schema(request=PaymentCreateSerializer, responses={201: PaymentSerializer})
    def post(self, request):
        body = PaymentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        account = payable_accounts(request).filter(pk=data["account"]).first()
        if account is None:  # unknown and out of reach look the same
            raise ApiError(
                "No such credit account.",
                code="validation_error",
                details={"account": ["No such credit account."]},
            )
        payment = payments.payment_record(
            account=account,
            amount=data["amount"],
            currency=data["currency"],
            received_on=data["received_on"],
            reference=data["reference"],
            method=data["method"],
            allocations=data.get("allocations") or None,
            actor=request.user,
        )
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)


def _statement(request):
    account = account_for(request)
    if account is None:
        raise Http404("No account with payment terms.")
    return statements.statement_for(account)


class StatementView(ApiGenericView):
    """``GET /api/statement/``: open items, payments, aging buckets and the balance."""

    required_action = policy.Action.VIEW_INVOICES
    storefront_allowed = False

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(statements.statement_data(_statement(request)))


class StatementPDFView(StatementView):
    """``GET /api/statement.pdf``: the same statement as a PDF."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request):
        return statement_pdf_response(_statement(request))
