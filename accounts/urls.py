from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set_language"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/password/", views.password_change, name="password_change"),
]
