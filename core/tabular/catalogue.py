"""The registries by name, for what serves them all outside their own pages (the
`export_registry` and `import_registry` commands). Each app registers its pages object in
`AppConfig.ready()` by dotted path, so core imports none of them."""

from __future__ import annotations

from importlib import import_module

_ENTRIES: dict[str, str] = {}


def register(name: str, pages: str) -> None:
    """`pages` is the dotted path of the app's RegistryPages object, e.g. "carriers.views.PAGES"."""
    _ENTRIES[name] = pages


def names() -> list[str]:
    return list(_ENTRIES)


def pages(name: str):
    """The RegistryPages object of a registry (its `.spreadsheet` is the Registry), or None."""
    path = _ENTRIES.get(name)
    if path is None:
        return None
    module, attribute = path.rsplit(".", 1)
    return getattr(import_module(module), attribute)
