"""Defining a data set on a page of its own (the city's administrators): what is reported, by
which units, how often, when it is due and locks, new indicators, and its validation rules.
Everything is checked before anything is written (reporting.services.save_data_set)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.choices import IndicatorKind, Measure
from plans.models import Indicator
from territory.choices import UnitKind
from territory.models import Unit

from .choices import Severity
from .models import DataSet
from .rules import RuleError, parse

CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_NEW_INDICATORS = 50
MAX_RULES = 30


class DataSetForm(forms.ModelForm):
    indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.filter(kind=IndicatorKind.REPORTED),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Indicators already defined"),
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.filter(kind__in=[UnitKind.ZONE, UnitKind.DISTRICT]).order_by(
            "kind", "code"
        ),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        label=_("Reporting units"),
    )
    new_indicators = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("New indicators"),
        help_text=_("One per line: code, name, measure (area, count, money or ratio)."),
    )

    class Meta:
        model = DataSet
        fields = ["code", "name", "name_en", "period_type", "due_days", "lock_days", "starts_on"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        if self.instance.pk:  # not model fields of the form: start from what the data set has
            self.fields["indicators"].initial = list(self.instance.indicators.all())
            self.fields["units"].initial = list(self.instance.units.all())

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CODE.match(code):
            raise forms.ValidationError(
                "代码须以小写字母开头，只含小写字母、数字和下划线，至多 64 位"
            )
        return code

    def clean_new_indicators(self):
        lines = [
            line.strip()
            for line in self.cleaned_data["new_indicators"].splitlines()
            if line.strip()
        ]
        if len(lines) > MAX_NEW_INDICATORS:
            raise forms.ValidationError(f"一次至多新增 {MAX_NEW_INDICATORS} 项指标")
        found, problems = [], []
        for number, line in enumerate(lines, start=1):
            parts = [p.strip() for p in re.split(r"[,，]", line)]
            if len(parts) != 3:
                problems.append(f"第 {number} 行应为“代码, 名称, 计量”三项")
                continue
            code, name, measure = parts
            if not CODE.match(code):
                problems.append(f"第 {number} 行：代码“{code[:30]}”格式不对")
            elif Indicator.objects.filter(code=code).exists() or code in [f[0] for f in found]:
                problems.append(f"第 {number} 行：指标代码“{code}”已存在")
            if not name or len(name) > 200:
                problems.append(f"第 {number} 行：名称须填写，且不超过 200 字")
            if measure not in Measure.values:
                problems.append(f"第 {number} 行：计量应为 {'、'.join(Measure.values)} 之一")
            found.append((code, name, measure))
        if problems:
            raise forms.ValidationError(problems)
        return found

    def clean(self):
        cleaned = super().clean()
        due, lock = cleaned.get("due_days"), cleaned.get("lock_days")
        if due is not None and lock is not None and lock < due:
            self.add_error("lock_days", "锁定天数不能少于截止天数（锁定前须能按时填报）")
        chosen = cleaned.get("indicators")
        if chosen is not None and self.instance.pk:
            kept = {i.pk for i in chosen}
            used = (
                Indicator.objects.filter(
                    submissionvalue__submission__data_set=self.instance,
                    submissionvalue__value__isnull=False,
                )
                .exclude(pk__in=kept)
                .distinct()
            )
            for indicator in used:
                self.add_error("indicators", f"已有报表填报了“{indicator.name}”，不能移除该指标")
        if not (chosen or cleaned.get("new_indicators")) and not self.errors.get("new_indicators"):
            self.add_error("indicators", "至少需要一项指标")
        return cleaned

    def indicator_codes(self) -> set[str]:
        chosen = {i.code for i in self.cleaned_data.get("indicators") or []}
        return chosen | {code for code, _n, _m in self.cleaned_data.get("new_indicators") or []}


def _style(form) -> None:
    """Tabler's classes on the widgets (selects look like selects, the rest like inputs)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class RuleForm(forms.Form):
    expression = forms.CharField(required=False, max_length=500, label=_("rule"))
    severity = forms.ChoiceField(choices=Severity.choices, label=_("severity"))
    message = forms.CharField(
        required=False, max_length=200, label=_("message shown when it fails")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["expression"].widget.attrs["class"] += " font-monospace"
        self.fields["expression"].widget.attrs["placeholder"] = _("rule")
        self.fields["message"].widget.attrs["placeholder"] = _("message shown when it fails")

    def clean(self):
        cleaned = super().clean()
        expression, message = cleaned.get("expression", "").strip(), cleaned.get("message", "")
        if expression and not message.strip():
            self.add_error("message", "请填写规则不满足时给填报人看的提示")
        return cleaned


RuleFormSet = forms.formset_factory(RuleForm, extra=3, max_num=MAX_RULES, validate_max=True)


def check_rules(formset, codes: set[str]) -> list[tuple[str, str, str]]:
    """The rules to keep, each checked against the data set's indicators; errors go on the form."""
    rules = []
    for form in formset:
        if not form.is_valid():
            continue
        expression = form.cleaned_data.get("expression", "").strip()
        if not expression:
            continue
        try:
            parse(expression, codes)
        except RuleError as error:
            form.add_error("expression", str(error))
            continue
        rules.append((expression, form.cleaned_data["severity"], form.cleaned_data["message"]))
    return rules
