"""Storefront sign-in, registration and sign-out: Oscar's views, with
registration that does not reveal whether an email has an account and a
sign-out that only a POST (with its CSRF token) performs."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from oscar.apps.customer import views as oscar_views
from oscar.apps.customer.forms import EmailUserCreationForm
from oscar.apps.customer.signals import user_registered
from oscar.apps.customer.utils import normalise_email

from accounts import services
from commerce import sites


class RegistrationForm(EmailUserCreationForm):
    """Oscar's registration form, minus its "this email already exists" error:
    the view answers a known email as it answers a new one."""

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class NeutralRegistrationMixin:
    registration_form_class = RegistrationForm
    form_class = RegistrationForm

    def register_user(self, form):
        data = form.cleaned_data
        if services.signup_email_taken(
            email=data["email"], password=data["password1"], site=sites.STOREFRONT
        ):
            return None
        user = form.save()
        user_registered.send_robust(sender=self, request=self.request, user=user)
        if getattr(settings, "OSCAR_SEND_REGISTRATION_EMAIL", True):
            self.send_registration_email(user)
        login(self.request, user, backend="accounts.backends.EmailBackend")
        return user


class AccountAuthView(NeutralRegistrationMixin, oscar_views.AccountAuthView):
    pass


class AccountRegistrationView(NeutralRegistrationMixin, oscar_views.AccountRegistrationView):
    pass


class SignOutView(auth_views.LogoutView):
    """POST signs out (and drops Oscar's cookies); GET only offers the button."""

    http_method_names = ["get", "post", "options"]
    next_page = settings.OSCAR_HOMEPAGE

    def get(self, request, *args, **kwargs):
        return render(request, "accounts/sign_out.html")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        for cookie in settings.OSCAR_COOKIES_DELETE_ON_LOGOUT:
            response.delete_cookie(cookie)
        return response
