"""Template helpers for GOV.UK Design System markup."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def govuk_widget(bound_field: forms.BoundField) -> SafeString:
    """Render a text-like widget with the GOV.UK classes and error state."""
    widget = bound_field.field.widget
    classes = {
        forms.Textarea: "govuk-textarea",
        forms.Select: "govuk-select",
    }
    base = next((css for kind, css in classes.items() if isinstance(widget, kind)), "govuk-input")
    css = [base, widget.attrs.get("class", "")]
    if bound_field.errors:
        css.append(f"{base}--error")
    attrs: dict[str, Any] = {"class": " ".join(c for c in css if c)}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if isinstance(widget, forms.Textarea):
        attrs.setdefault("rows", 5)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def widget_type_is(bound_field: forms.BoundField, name: str) -> bool:
    return bound_field.widget_type == name


@register.inclusion_tag("govuk/error_summary.html")
def error_summary(*forms_: Any) -> dict[str, Any]:
    items: list[tuple[str, str]] = []
    for form in forms_:
        if form is not None and hasattr(form, "error_list"):
            items.extend(form.error_list())
    return {"items": items}


@register.inclusion_tag("govuk/summary_row.html")
def summary_row(key: str, value: Any, href: str = "") -> dict[str, Any]:
    return {"key": key, "value": value, "href": href}


_REF_PREFIX = {"person": "P", "poleobject": "O", "location": "L", "event": "E", "link": "K"}


@register.filter
def ref(record: Any) -> str:
    """A record's short reference, like P-42, used in forms and on screen."""
    prefix = _REF_PREFIX.get(record._meta.model_name, "R")
    return f"{prefix}-{record.pk}"


@register.filter
def detail_url(record: Any) -> str:
    from django.urls import reverse

    name = {
        "person": "person_detail",
        "poleobject": "object_detail",
        "location": "location_detail",
        "event": "event_detail",
    }[record._meta.model_name]
    return reverse(name, args=[record.pk])
