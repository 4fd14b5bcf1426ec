from django.urls import path

from . import views

urlpatterns = [
    path("chains/", views.chain_list, name="chain_list"),
    path("chains/<str:code>/", views.chain_detail, name="chain_detail"),
    path("chains/<str:code>/nodes/<str:node>/", views.chain_node, name="chain_node"),
]
