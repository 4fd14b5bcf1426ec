"""The pages every registry has, one implementation: list (filters, search, totals, htmx),
detail with history, create, edit, delete, Excel template, import (preview, commit, marked
workbook) and export.

A registry subclasses `RegistryPages` (through accounts.registry.ScopedRegistryPages, which
binds scoping) and says only what differs: its model, form, spreadsheet, filters and
templates. URL names are `<prefix>_list`, `<prefix>_detail`, `<prefix>_create`, `<prefix>_edit`,
`<prefix>_delete`, `<prefix>_export`, `<prefix>_template`, `<prefix>_import`,
`<prefix>_import_commit`, `<prefix>_import_errors`, and `<prefix>_attach` /
`<prefix>_attachment` for evidence files on an item (core.models.Attachment).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from . import evidence, files
from .models import Attachment
from .quantities import format_quantity
from .registry_views import (
    ImportPage,
    import_commit_view,
    import_errors_view,
    import_view,
    xlsx_response,
)
from .tabular.report import export_workbook, template_workbook

VIEW, CHANGE = "view", "change"


class RegistryPages:
    model: type[Model]
    spreadsheet = None  # core.tabular.engine.Registry
    filterset_class = None  # a core.filtersets.ListFilterSet: the list's and the export's filters
    form_class = None  # a ModelForm taking a `user` keyword
    prefix = ""  # URL-name prefix, e.g. "carrier"
    title = ""  # Chinese, for file names and the import page, e.g. "产业载体"
    nav = ""
    per_page = 50
    list_template = ""
    table_template = ""
    detail_template = "registry/detail.html"
    form_template = "registry/form.html"
    delete_template = "registry/confirm_delete.html"
    instructions: list[str] = []

    # ── What a subclass provides ──
    def scope(self, qs: QuerySet, user, action: str) -> QuerySet:
        raise NotImplementedError

    def can_write(self, user) -> bool:
        raise NotImplementedError

    def filtered(self, request, qs: QuerySet) -> tuple[QuerySet, dict]:
        """The list's filters applied to `qs`; returns the queryset and the filter values."""
        if self.filterset_class is None:
            return qs, {}
        filterset = self.filterset_class(request.GET, queryset=qs, request=request)
        return filterset.qs, filterset.values()

    def list_context(self, request) -> dict:
        return {}

    def totals(self, qs: QuerySet) -> dict:
        return {"count": qs.count()}

    def save(self, *, user, obj):
        raise NotImplementedError

    def delete(self, *, user, obj) -> None:
        raise NotImplementedError

    def export_row(self, obj) -> dict:
        return {c.key: getattr(obj, c.key) for c in self.spreadsheet.columns}

    def template_lists(self, user) -> dict[str, list[str]]:
        return {}

    def detail_fields(self, obj, *, user=None) -> list[tuple[str, object]]:
        return []

    def detail_context(self, request, obj) -> dict:
        return {}

    def page_context(self, request, rows: list) -> dict:
        """What the rows of one list page need beyond themselves, read for the page at once
        (e.g. each project's warning colour)."""
        return {}

    def initial(self, request) -> dict:
        """Values a new item's form starts with, read from the link that opened it (e.g. the
        node page's "add a target here"); the form's own choices still bound them."""
        return {}

    # ── The pages ──
    def objects(self) -> QuerySet:
        return self.model.objects.all()

    def get(self, request, pk: int, action: str = VIEW):
        return get_object_or_404(self.scope(self.objects(), request.user, action), pk=pk)

    def require_writer(self, user) -> None:
        if not self.can_write(user):
            raise PermissionDenied("您没有可填报的单位")

    def list_view(self, request):
        qs, filters = self.filtered(request, self.scope(self.objects(), request.user, VIEW))
        page = Paginator(qs, self.per_page).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            "nav": self.nav,
            "pages": self,
            "page": page,
            "filters": filters,
            "totals": self.totals(qs),
            "query": params.urlencode(),
            "can_write": self.can_write(request.user),
            **self.list_context(request),
            **self.page_context(request, list(page.object_list)),
        }
        template = self.table_template if request.headers.get("HX-Request") else self.list_template
        return render(request, template, context)

    def attach_view(self, request, pk: int):
        """Attach an evidence file (photo, contract, PDF) to an item the user may change."""
        obj = self.get(request, pk, CHANGE)
        upload = request.FILES.get("file")
        try:
            attachment = evidence.attach(obj, upload, user=request.user)
        except evidence.EvidenceError as error:
            messages.error(request, f"附件未上传：{error}")
        else:
            messages.success(request, f"已上传附件：{attachment.name}")
        return redirect(f"{self.prefix}_detail", pk=pk)

    def attachment_view(self, request, pk: int, attachment_pk: int):
        obj = self.get(request, pk)
        attachment = get_object_or_404(Attachment.objects.of(obj), pk=attachment_pk)
        return evidence.download(attachment.name, files.content_of(attachment))

    def detail_view(self, request, pk: int, *, extra: dict | None = None):
        """The item's page; `extra` replaces what `detail_context` gives (a refused form)."""
        obj = self.get(request, pk)
        records = list(
            obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
        )
        # Quantities read in the plan's unit here as in the list, the form and the sheet.
        units = {c.key: c.unit for c in self.spreadsheet.columns if c.kind == "decimal" and c.unit}
        history = []
        for index, newer in enumerate(records):
            older = records[index + 1] if index + 1 < len(records) else None
            changes = newer.diff_against(older).changes if older else []
            history.append(
                {
                    "record": newer,
                    "changes": [
                        {
                            "field": c.field,
                            "old": _shown(c.old, units.get(c.field)),
                            "new": _shown(c.new, units.get(c.field)),
                        }
                        for c in changes
                    ],
                }
            )
        can_change = self.scope(self.model.objects.filter(pk=pk), request.user, CHANGE).exists()
        english = not (translation.get_language() or "zh").startswith("zh")
        labels = {f.name: f.verbose_name for f in self.model._meta.fields} | {
            c.key: (c.header_en if english else c.header)
            for c in self.spreadsheet.columns
            if c.key in units
        }
        context = {
            "nav": self.nav,
            "pages": self,
            "object": obj,
            "history": history,
            "can_change": can_change,
            "labels": labels,
            "fields": self.detail_fields(obj, user=request.user),
            "attachments": Attachment.objects.of(obj)
            .defer("content")
            .select_related("uploaded_by"),
            **(extra if extra is not None else self.detail_context(request, obj)),
        }
        return render(request, self.detail_template, context)

    def _edit(self, request, obj):
        initial = self.initial(request) if obj is None else None
        form = self.form_class(
            request.POST or None, instance=obj, user=request.user, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            try:
                saved = self.save(user=request.user, obj=form.save(commit=False))
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                for field, messages_ in errors.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                if hasattr(form, "save_m2m"):
                    form.save_m2m()
                messages.success(request, f"已保存：{saved}")
                return redirect(f"{self.prefix}_detail", pk=saved.pk)
        return render(
            request,
            self.form_template,
            {"nav": self.nav, "pages": self, "form": form, "object": obj},
            status=400 if request.method == "POST" else 200,
        )

    def create_view(self, request):
        self.require_writer(request.user)
        return self._edit(request, None)

    def edit_view(self, request, pk: int):
        return self._edit(request, self.get(request, pk, CHANGE))

    def delete_view(self, request, pk: int):
        obj = self.get(request, pk, CHANGE)
        if request.method == "POST":
            attached = Attachment.objects.of(obj)  # its files go with it
            try:
                with transaction.atomic():
                    self.delete(user=request.user, obj=obj)
                    attached.delete()
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
                return redirect(f"{self.prefix}_detail", pk=pk)
            messages.success(request, f"已删除：{obj}")
            return redirect(f"{self.prefix}_list")
        return render(
            request, self.delete_template, {"nav": self.nav, "pages": self, "object": obj}
        )

    def export_view(self, request):
        qs, _filters = self.filtered(request, self.scope(self.objects(), request.user, VIEW))
        rows = (self.export_row(obj) for obj in qs.iterator(chunk_size=2000))
        content = export_workbook(self.spreadsheet.columns, rows, sheet=self.title)
        return xlsx_response(content, f"{self.title}-{timezone.localdate():%Y%m%d}.xlsx")

    def template_view(self, request):
        content = template_workbook(
            self.spreadsheet.columns,
            sheet=self.title,
            title=f"{self.title}填报模板",
            lists=self.template_lists(request.user),
            instructions=self.instructions,
        )
        return xlsx_response(content, f"{self.title}填报模板.xlsx")

    @property
    def import_page(self) -> ImportPage:
        return ImportPage(title=self.title, url_prefix=self.prefix)

    def import_view(self, request):
        self.require_writer(request.user)
        return import_view(request, registry=self.spreadsheet, page=self.import_page)

    def import_commit_view(self, request, token: str):
        self.require_writer(request.user)
        return import_commit_view(request, token, registry=self.spreadsheet, page=self.import_page)

    def import_errors_view(self, request, token: str):
        return import_errors_view(request, token, registry=self.spreadsheet, page=self.import_page)

    def urlpatterns(self, base: str) -> list:
        """`base` like "carriers/"; every page needs a logged-in user."""
        p, lr = self.prefix, login_required
        return [
            path(f"{base}", lr(self.list_view), name=f"{p}_list"),
            path(f"{base}new/", lr(self.create_view), name=f"{p}_create"),
            path(f"{base}export.xlsx", lr(self.export_view), name=f"{p}_export"),
            path(f"{base}template.xlsx", lr(self.template_view), name=f"{p}_template"),
            path(f"{base}import/", lr(self.import_view), name=f"{p}_import"),
            path(
                f"{base}import/<str:token>/commit/",
                lr(require_POST(self.import_commit_view)),
                name=f"{p}_import_commit",
            ),
            path(
                f"{base}import/<str:token>/errors.xlsx",
                lr(self.import_errors_view),
                name=f"{p}_import_errors",
            ),
            path(f"{base}<int:pk>/", lr(self.detail_view), name=f"{p}_detail"),
            path(f"{base}<int:pk>/edit/", lr(self.edit_view), name=f"{p}_edit"),
            path(f"{base}<int:pk>/delete/", lr(self.delete_view), name=f"{p}_delete"),
            path(
                f"{base}<int:pk>/attach/",
                lr(require_POST(self.attach_view)),
                name=f"{p}_attach",
            ),
            path(
                f"{base}<int:pk>/files/<int:attachment_pk>/",
                lr(self.attachment_view),
                name=f"{p}_attachment",
            ),
        ]


def _shown(value, unit: str | None):
    """A history value as pages show it: a quantity in the plan's unit (12 万平方米)."""
    if unit and value not in (None, ""):
        return format_quantity(Decimal(value), unit)
    return value
