from .scoping import roles_of


def roles(request):
    """`user_roles` in every template, read once per request (the membership query is cached
    on the user object)."""
    return {"user_roles": roles_of(request.user)}
