"""A company always keeps at least one active admin."""

import threading

import pytest
from django.db import connection

from accounts import policy, services
from accounts.exceptions import LastAdminError
from accounts.models import Membership
from tests import factories


@pytest.mark.django_db
def test_the_last_admin_cannot_be_demoted(members, admin):
    with pytest.raises(LastAdminError):
        services.membership_change_role(membership=members["admin"], role="buyer", actor=admin)

    assert Membership.objects.get(pk=members["admin"].pk).role == "admin"


@pytest.mark.django_db
def test_the_last_admin_cannot_be_deactivated(members, admin):
    with pytest.raises(LastAdminError):
        services.membership_set_active(membership=members["admin"], active=False, actor=admin)

    assert Membership.objects.get(pk=members["admin"].pk).is_active


@pytest.mark.django_db
def test_with_two_admins_one_may_step_down(members, company, admin):
    second = factories.MembershipFactory(company=company, role="admin")

    services.membership_change_role(membership=members["admin"], role="buyer", actor=second.user)

    assert Membership.objects.get(pk=members["admin"].pk).role == "buyer"


@pytest.mark.django_db
def test_a_deactivated_admin_does_not_count(members, company, admin):
    factories.MembershipFactory(company=company, role="admin", is_active=False)

    with pytest.raises(LastAdminError):
        services.membership_change_role(membership=members["admin"], role="viewer", actor=admin)


@pytest.mark.django_db
def test_the_portal_says_why(portal_client, members, admin):
    portal_client.force_login(admin)

    response = portal_client.post(
        f"/company/members/{members['admin'].pk}/role/", {"role": "buyer"}, follow=True
    )

    assert "last active admin" in response.content.decode()
    assert Membership.objects.get(pk=members["admin"].pk).role == "admin"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin():
    company = factories.CompanyFactory()
    first = factories.MembershipFactory(company=company, role="admin")
    second = factories.MembershipFactory(company=company, role="admin")
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(target, actor):
        try:
            barrier.wait()
            services.membership_change_role(membership=target, role="buyer", actor=actor)
            outcomes.append("ok")
        except (LastAdminError, policy.NotAllowed):
            # The loser either finds itself the last admin, or already demoted.
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first, second.user)),
        threading.Thread(target=demote, args=(second, first.user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ok", "refused"]
    assert Membership.objects.filter(company=company, role="admin", is_active=True).count() == 1
