from django.urls import path

from . import views

urlpatterns = [
    path("chains/", views.chain_list, name="chain_list"),
    path("chains/<str:code>/", views.chain_detail, name="chain_detail"),
    path("chains/<str:code>/nodes/<str:node>/", views.chain_node, name="chain_node"),
    # target_list, _detail, _create, _edit, _delete, _export, _template, _import,
    # _import_commit, _import_errors, _attach and _attachment; and the list as a .docx.
    path("attraction/list.docx", views.target_list_docx, name="target_docx"),
    *views.TARGET_PAGES.urlpatterns("attraction/"),
]
