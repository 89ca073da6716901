"""Email sign-in for every door (storefront, portal, dashboard, admin, API token).

One backend does the password work exactly once per attempt, whether the
email exists or not, so the time a sign-in takes does not tell an attacker
which emails have accounts.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = email if email is not None else username
        if not email or password is None:
            return None
        User = get_user_model()
        user = User._default_manager.filter(email__iexact=str(email).strip()).first()
        if user is None:
            # The hasher runs as it would for a real account.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
