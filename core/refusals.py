"""The one type a service raises when it refuses a request for a reason the user can act on.

Its message is what the user reads, in the user's language. A view, a command or a task shows
that message and matches nothing in its text; subclasses say which refusal it was (a stale
version, a run already going on) where a caller must tell them apart.
"""


class Refusal(Exception):
    """A request the service will not carry out; `str()` is the message for the user."""


class Forbidden(Refusal):
    """Refused because of who asks (their role or the units they hold), not what they sent:
    the API answers it with 403."""


class Stale(Refusal):
    """Refused because the object changed since the user read it: the API answers 412."""
