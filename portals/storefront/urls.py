from django.contrib.auth.decorators import login_required
from django.urls import path

from portals.storefront import views

app_name = "storefront"

urlpatterns = [
    path("accounts/loyalty/", login_required(views.LoyaltyView.as_view()), name="loyalty"),
]
