"""A sales rep buys on a customer's behalf: the rep opens the session from the
dashboard and begins it on the portal host; every page shows the banner; the
order records both identities; the rep can never approve, manage members,
rules, addresses, tokens or the member's password; the company's admins see
and end the session; idle expiry and a lost right end it too."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from accounts import acting, policy
from accounts.models import AssistedAction, AssistedSession, CompanyAddress, Membership
from commerce.api import tokens
from commerce.api.models import ApiToken
from commerce.approvals.models import ApprovalRequest, ApprovalRule
from portals.portal.assisted import SESSION_KEY
from tests import factories
from tests.backoffice.conftest import dashboard_client, pending_order, staff
from tests.helpers import page_queries, portal_checkout

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db
EndReason = AssistedSession.EndReason


@pytest.fixture
def acme(db):
    return factories.business("Acme Industrial")


@pytest.fixture
def people(acme):
    return {
        role: factories.MembershipFactory(
            company=acme, role=role, user__first_name=role.title(), user__last_name="Acme"
        )
        for role in ("admin", "approver", "buyer", "viewer")
    }


@pytest.fixture
def rep(acme):
    user = staff("sales_rep", first_name="Sam", last_name="Rep")
    acme.sales_reps.add(user)
    return user


def portal_as(user) -> Client:
    client = Client(HTTP_HOST=settings.PORTAL_HOST)
    client.force_login(user)
    return client


def open_session(rep, membership, reason="Phone order"):
    """The dashboard's "Buy as customer": answers with the portal hand-over."""
    return dashboard_client(rep).post(
        f"/dashboard/companies/{membership.company_id}/members/{membership.pk}/assist/",
        {"reason": reason},
    )


def acting_client(rep, membership) -> tuple[Client, AssistedSession]:
    """The rep's portal browser, acting as ``membership``'s user."""
    response = open_session(rep, membership)
    assert response.status_code == 302, response.content[:500]
    begin = response["Location"]
    assert begin.startswith(settings.PORTAL_URL)
    path = begin[len(settings.PORTAL_URL.rstrip("/")) :]
    client = portal_as(rep)
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert 'id="assisted_begin"' in confirm.content.decode()
    began = client.post(path)
    assert began.status_code == 302
    return client, AssistedSession.objects.latest("pk")


# --- starting ---------------------------------------------------------------------------


def test_a_rep_acts_for_a_buyer_with_the_banner_on_every_page(rep, people, acme):
    client, session = acting_client(rep, people["buyer"])

    for url in ("/", "/orders/", "/basket/", "/company/"):
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert 'id="assisted_banner"' in text
        assert "You are acting as <strong>Buyer Acme</strong> (Acme Industrial)" in text
        assert "signed in as Sam Rep" in text
    assert page.wsgi_request.user == people["buyer"].user
    assert page.wsgi_request.real_user == rep
    assert session.staff == rep and session.membership == people["buyer"]
    assert session.started_at is not None and session.reason == "Phone order"
    assert acme.events.filter(kind="assisted_started").count() == 1


def test_the_dashboard_offers_buy_as_customer_only_to_the_companys_rep(rep, people, acme):
    page = dashboard_client(rep).get(f"/dashboard/companies/{acme.pk}/").content.decode()
    controller = staff("credit_controller")
    other = dashboard_client(controller).get(f"/dashboard/companies/{acme.pk}/").content.decode()

    assert "Buy as customer" in page
    assert "Buy as customer" not in other


def test_a_rep_not_assigned_to_the_company_is_refused(people, acme):
    other_rep = staff("sales_rep")
    factories.CompanyFactory(name="Globex").sales_reps.add(other_rep)
    controller = staff("credit_controller")  # sees every company, represents none

    assert open_session(other_rep, people["buyer"]).status_code == 404
    assert open_session(controller, people["buyer"]).status_code == 403
    assert not AssistedSession.objects.exists()


def test_another_companys_member_is_refused(rep, acme):
    globex = factories.business("Globex")
    stranger = factories.MembershipFactory(company=globex)

    response = dashboard_client(rep).post(
        f"/dashboard/companies/{acme.pk}/members/{stranger.pk}/assist/", {}
    )

    assert response.status_code == 404
    assert not AssistedSession.objects.exists()


def test_an_inactive_member_or_a_staff_member_is_never_acted_for(rep, people, acme):
    people["viewer"].is_active = False
    people["viewer"].save(update_fields=["is_active"])
    staff_member = factories.MembershipFactory(company=acme, user=staff("sales_rep"))

    assert open_session(rep, people["viewer"]).status_code == 403
    assert open_session(rep, staff_member).status_code == 403
    assert not AssistedSession.objects.exists()


def test_a_session_is_begun_once_and_only_by_its_staff_member(rep, people, acme):
    response = open_session(rep, people["buyer"])
    path = response["Location"][len(settings.PORTAL_URL.rstrip("/")) :]
    someone_else = staff("sales_rep")
    acme.sales_reps.add(someone_else)

    assert portal_as(someone_else).post(path).status_code in (302, 404)
    assert AssistedSession.objects.get().started_at is None
    mine = portal_as(rep)
    assert mine.post(path).status_code == 302
    again = portal_as(rep).post(path)
    assert again.status_code == 302 and again["Location"] == "/assist/ended/"
    assert portal_as(someone_else).get(path).status_code == 404


def test_signed_out_the_begin_page_asks_to_sign_in(rep, people):
    response = open_session(rep, people["buyer"])
    path = response["Location"][len(settings.PORTAL_URL.rstrip("/")) :]

    answer = Client(HTTP_HOST=settings.PORTAL_HOST).get(path)

    assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/")


# --- dual identity ----------------------------------------------------------------------


def test_the_order_records_both_identities_everywhere(rep, people, acme):
    client, session = acting_client(rep, people["buyer"])
    product = factories.ProductFactory(stock=100, stock__price="40.00")

    assert client.post(f"/basket/add/{product.pk}/", {"quantity": 2}).status_code == 302
    placed = portal_checkout(client)
    assert placed.status_code == 302, placed.content[:2000]
    order = Order.objects.get()

    assert order.user == people["buyer"].user
    assert order.placed_by_staff == rep
    assert order.notes.filter(message="Placed by Sam Rep on behalf of Buyer Acme.").exists()
    portal_page = client.get(f"/orders/{order.number}/").content.decode()
    assert "Placed by Sam Rep on behalf of Buyer Acme" in portal_page
    listing = portal_as(people["admin"].user).get("/orders/").content.decode()
    assert "placed by Sam Rep" in listing
    desk = dashboard_client(rep).get(f"/dashboard/orders/{order.number}/").content.decode()
    assert "Placed by Sam Rep on behalf of Buyer Acme" in desk
    body = portal_as(people["buyer"].user).get(f"/api/orders/{order.number}/").json()
    assert body["placed_on_behalf_by"] == {"id": rep.pk, "name": "Sam Rep"}
    assert body["user"] == people["buyer"].user.email
    actions = AssistedAction.objects.filter(session=session)
    assert {a.view_name for a in actions} >= {"basket:add", "checkout:index"}


def test_an_order_the_member_places_themselves_has_no_staff_identity(people, acme):
    client = portal_as(people["buyer"].user)
    product = factories.ProductFactory(stock=100, stock__price="40.00")
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    assert portal_checkout(client).status_code == 302
    order = Order.objects.get()

    assert order.placed_by_staff is None
    assert client.get(f"/api/orders/{order.number}/").json()["placed_on_behalf_by"] is None


def test_an_order_needing_approval_names_the_rep_next_to_the_requester(rep, people, acme):
    ApprovalRule.objects.create(
        company=acme, kind=ApprovalRule.Kind.ORDER_TOTAL, amount=Decimal("10.00")
    )
    client, _ = acting_client(rep, people["buyer"])
    product = factories.ProductFactory(stock=100, stock__price="40.00")
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    assert portal_checkout(client).status_code == 302

    request = ApprovalRequest.objects.select_related("order").get()
    assert request.requested_by == people["buyer"].user
    assert request.order.placed_by_staff == rep
    page = portal_as(people["approver"].user).get(f"/approvals/{request.pk}/")
    assert page.status_code == 200
    assert "Placed by Sam Rep on behalf of Buyer Acme" in page.content.decode()
    desk = dashboard_client(rep).get(f"/dashboard/approvals/{request.pk}/")
    assert "Placed by Sam Rep on behalf of Buyer Acme" in desk.content.decode()


# --- what acting never allows -----------------------------------------------------------


def test_acting_for_an_approver_the_rep_cannot_approve(rep, people, acme):
    pending = pending_order(acme)
    request = ApprovalRequest.objects.get(order=pending)
    client, _ = acting_client(rep, people["approver"])

    response = client.post(f"/approvals/{request.pk}/decide/", {"decision": "approve"})
    api = client.post(
        f"/api/approvals/{request.pk}/approve/",
        {"comment": "Fine"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert "acting on behalf of Approver Acme" in response.content.decode()
    assert api.status_code == 403
    request.refresh_from_db()
    assert request.status == "pending" and not request.decisions.exists()
    assert 'id="approvals_link"' not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "post",
    [
        lambda c, p: c.post(f"/company/members/{p['buyer'].pk}/role/", {"role": "admin"}),
        lambda c, p: c.post(f"/company/members/{p['viewer'].pk}/deactivate/"),
        lambda c, p: c.post("/company/members/", {"email": "new@example.com", "role": "buyer"}),
        lambda c, p: c.post(
            "/approvals/rules/",
            {"kind": "buyer_monthly_budget", "amount": "99999.00", "member": p["buyer"].pk},
        ),
        lambda c, p: c.post(
            "/company/addresses/new/",
            {
                "label": "Elsewhere",
                "last_name": "Goods in",
                "line1": "Hafenweg 3",
                "line4": "Dresden",
                "postcode": "01067",
                "country": "DE",
            },
        ),
        lambda c, p: c.post(
            "/api/company/members/",
            {"email": "new@example.com", "role": "buyer"},
            content_type="application/json",
        ),
    ],
    ids=["role", "deactivate", "invite", "budget", "address", "api-invite"],
)
def test_acting_for_an_admin_the_rep_cannot_manage_the_company(rep, people, acme, post):
    factories.CountryFactory(iso_3166_1_a2="DE")
    client, _ = acting_client(rep, people["admin"])
    before = (
        list(Membership.objects.order_by("pk").values_list("role", "is_active")),
        acme.invitations.count(),
        ApprovalRule.objects.count(),
        CompanyAddress.objects.count(),
    )

    response = post(client, people)

    assert response.status_code == 403
    after = (
        list(Membership.objects.order_by("pk").values_list("role", "is_active")),
        acme.invitations.count(),
        ApprovalRule.objects.count(),
        CompanyAddress.objects.count(),
    )
    assert after == before


@pytest.mark.parametrize(
    "url",
    ["/accounts/profile/edit/", "/accounts/change-password/", "/api-tokens/"],
)
def test_the_members_password_email_and_tokens_are_out_of_reach(rep, people, url):
    client, _ = acting_client(rep, people["admin"])

    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Mine", "old_password": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_no_token_is_made_while_acting_whatever_the_door(rep, people):
    client, session = acting_client(rep, people["buyer"])
    context = acting.Acting(staff=rep, membership=people["buyer"], session_id=session.pk)

    with acting.acting_as(context), pytest.raises(policy.ActingOnBehalfRefused):
        tokens.token_issue(user=people["buyer"].user, name="Sneaky")
    api = client.post(
        "/api/auth/token/",
        {"email": people["buyer"].user.email, "password": factories.PASSWORD, "name": "x"},
        content_type="application/json",
    )

    assert api.status_code == 403
    assert not ApiToken.objects.exists()


def test_switching_company_while_acting_is_refused(rep, people, acme):
    globex = factories.business("Globex")
    factories.MembershipFactory(company=globex, user=people["buyer"].user)
    client, _ = acting_client(rep, people["buyer"])

    assert client.post("/company/switch/", {"company": globex.pk}).status_code == 403
    assert client.get("/").wsgi_request.company == acme
    listed = client.get("/api/orders/", HTTP_X_COMPANY=str(globex.pk))
    assert listed.status_code == 404


def test_the_reps_own_api_token_never_acts_as_the_customer(rep, people, acme):
    acting_client(rep, people["buyer"])
    key = tokens.token_issue(user=rep, name="Rep tools").key
    api = Client(HTTP_HOST=settings.PORTAL_HOST, HTTP_AUTHORIZATION=f"Token {key}")

    mine = api.get("/api/orders/")
    as_acme = api.get("/api/orders/", HTTP_X_COMPANY=str(acme.pk))

    assert mine.status_code == 403
    assert as_acme.status_code == 404


def test_the_policy_refuses_the_management_actions_in_an_acting_context(rep, people):
    admin = people["admin"]
    context = acting.Acting(staff=rep, membership=admin, session_id=0)

    with acting.acting_as(context):
        refused = {a for a in policy.Action if not policy.can(admin, a)}
    assert refused == set(policy.ACTING_FORBIDDEN)
    assert policy.allowed_actions(admin) == frozenset(policy.Action)


# --- ending -------------------------------------------------------------------------------


def test_the_rep_ends_the_session_and_is_themselves_again(rep, people, acme):
    client, session = acting_client(rep, people["buyer"])

    ended = client.post("/assist/end/")

    assert ended.status_code == 302
    assert ended["Location"].endswith(f"/dashboard/companies/{acme.pk}/")
    session.refresh_from_db()
    assert session.ended_by == rep and session.end_reason == EndReason.STAFF
    after = client.get("/")
    assert after.wsgi_request.user == rep
    assert after.status_code == 403  # the rep is no member: the portal's no-access page
    assert 'id="assisted_banner"' not in after.content.decode()
    assert SESSION_KEY not in client.session


def test_the_companys_admin_sees_and_ends_the_session(rep, people, acme):
    client, session = acting_client(rep, people["buyer"])
    admin = portal_as(people["admin"].user)

    page = admin.get("/company/assisted-sessions/").content.decode()
    assert "Sam Rep" in page and "Buyer Acme" in page and "Phone order" in page
    ended = admin.post(f"/company/assisted-sessions/{session.pk}/end/")

    assert ended.status_code == 302
    session.refresh_from_db()
    assert session.end_reason == EndReason.CUSTOMER and session.ended_by == people["admin"].user
    kicked = client.get("/orders/")
    assert kicked.status_code == 302 and kicked["Location"] == "/assist/ended/"
    landing = client.get("/assist/ended/").content.decode()
    assert "Ended by a company admin" in landing


def test_only_the_companys_admins_see_or_end_its_sessions(rep, people, acme):
    _, session = acting_client(rep, people["buyer"])
    globex = factories.business("Globex")
    globex_admin = portal_as(factories.MembershipFactory(company=globex, role="admin").user)

    assert portal_as(people["buyer"].user).get("/company/assisted-sessions/").status_code == 403
    assert globex_admin.post(f"/company/assisted-sessions/{session.pk}/end/").status_code == 404
    assert globex_admin.get("/company/assisted-sessions/").content.decode().count("Sam Rep") == 0
    session.refresh_from_db()
    assert session.is_open


def test_an_idle_session_expires(rep, people):
    client, session = acting_client(rep, people["buyer"])
    AssistedSession.objects.filter(pk=session.pk).update(
        last_seen_at=timezone.now() - timedelta(hours=3)
    )

    response = client.get("/")

    assert response.status_code == 302 and response["Location"] == "/assist/ended/"
    session.refresh_from_db()
    assert session.end_reason == EndReason.EXPIRED and session.ended_by is None


def test_housekeeping_ends_idle_sessions_once_and_closes_unbegun_ones(rep, people, acme):
    from accounts.assisted import assisted_sessions_expire
    from accounts.models import CompanyEvent

    _, idle = acting_client(rep, people["buyer"])
    _, busy = acting_client(rep, people["viewer"])
    assert open_session(rep, people["admin"]).status_code == 302
    unbegun = AssistedSession.objects.latest("pk")
    AssistedSession.objects.filter(pk=idle.pk).update(
        last_seen_at=timezone.now() - timedelta(hours=3)
    )
    AssistedSession.objects.filter(pk=unbegun.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    events = CompanyEvent.objects.filter(company=acme, kind=CompanyEvent.Kind.ASSISTED_ENDED)

    first = assisted_sessions_expire()
    again = assisted_sessions_expire()

    assert first == {"idle_ended": 1, "never_begun_closed": 1}
    assert again == {"idle_ended": 0, "never_begun_closed": 0}
    idle.refresh_from_db(), busy.refresh_from_db(), unbegun.refresh_from_db()
    assert idle.end_reason == EndReason.EXPIRED and idle.ended_by is None
    assert busy.is_open
    assert unbegun.ended_at is not None and unbegun.started_at is None
    assert events.count() == 1  # the idle one; the unbegun one acted for no one
    listed = portal_as(people["admin"].user).get("/company/assisted-sessions/")
    assert listed.status_code == 200


def test_a_rep_who_loses_the_company_loses_the_session(rep, people, acme):
    client, session = acting_client(rep, people["buyer"])
    acme.sales_reps.remove(rep)

    response = client.post("/basket/add/1/", {"quantity": 1})

    assert response.wsgi_request.user == rep
    session.refresh_from_db()
    assert session.end_reason == EndReason.RIGHT_LOST
    assert not AssistedAction.objects.filter(session=session, view_name="basket:add").exists()


def test_a_tampered_session_id_is_refused(rep, people, acme):
    other_rep = staff("sales_rep")
    acme.sales_reps.add(other_rep)
    _, theirs = acting_client(other_rep, people["admin"])
    client, _ = acting_client(rep, people["buyer"])
    session = client.session
    session[SESSION_KEY] = theirs.pk
    session.save()

    response = client.get("/")

    assert response.status_code == 302 and response["Location"] == "/assist/ended/"
    assert client.get("/").wsgi_request.user == rep
    theirs.refresh_from_db()
    assert theirs.is_open  # someone else's session is neither used nor touched


def test_signing_out_ends_the_session(rep, people):
    client, session = acting_client(rep, people["buyer"])

    client.post("/sign-out/")

    session.refresh_from_db()
    assert session.end_reason == EndReason.SIGNED_OUT and session.ended_by == rep


def test_the_sessions_page_costs_the_same_for_one_session_or_many(rep, people, acme):
    admin = portal_as(people["admin"].user)
    acting_client(rep, people["buyer"])
    one, _ = page_queries(admin, "/company/assisted-sessions/")
    for membership in (people["viewer"], people["approver"], people["buyer"]):
        acting_client(rep, membership)
    many, response = page_queries(admin, "/company/assisted-sessions/")

    assert response.status_code == 200
    assert response.content.decode().count("data-session-id") == 4
    assert many == one


def test_ending_needs_the_csrf_token_like_any_form(rep, people):
    _, session = acting_client(rep, people["buyer"])
    browser = Client(HTTP_HOST=settings.PORTAL_HOST, enforce_csrf_checks=True)
    browser.force_login(rep)
    stored = browser.session
    stored[SESSION_KEY] = session.pk
    stored.save()

    assert browser.post("/assist/end/").status_code == 403
    session.refresh_from_db()
    assert session.is_open


def test_ending_an_already_ended_session_lands_on_the_ended_page(rep, people):
    client, session = acting_client(rep, people["buyer"])
    AssistedSession.objects.filter(pk=session.pk).update(
        last_seen_at=timezone.now() - timedelta(hours=3)
    )

    response = client.post("/assist/end/")

    assert response.status_code == 302 and response["Location"] == "/assist/ended/"
    session.refresh_from_db()
    assert session.end_reason == EndReason.EXPIRED


def test_acting_costs_a_few_queries_per_page_whatever_the_page(rep, people):
    member = portal_as(people["buyer"].user)
    client, _ = acting_client(rep, people["buyer"])

    for url in ("/", "/orders/"):
        own, _ = page_queries(member, url)
        assisted_, _ = page_queries(client, url)
        print(f"{url}: {own} queries as the member, {assisted_} acting for them")
        assert assisted_ - own <= 8
