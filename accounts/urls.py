from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/password/", views.password_change, name="password_change"),
]
