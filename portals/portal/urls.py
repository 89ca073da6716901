from django.urls import path

from portals.portal import views

app_name = "portal"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("company/switch/", views.SwitchCompanyView.as_view(), name="switch-company"),
]
