"""Display helpers for the linkage screens."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_KIND_TAGS = {
    True: ("Agrees", "govuk-tag--green"),
    False: ("Differs", "govuk-tag--red"),
    "agree": ("Agrees", "govuk-tag--green"),
    "similar": ("Similar", "govuk-tag--blue"),
    "differ": ("Differs", "govuk-tag--red"),
    "missing": ("Not counted", "govuk-tag--grey"),
}


@register.simple_tag
def agreement_tag(kind: object) -> SafeString:
    """A GOV.UK tag for a field that agrees or differs (True, False, "similar") or a model
    evidence kind; nothing when the field was not compared (None)."""
    if kind is None:
        return SafeString("")
    label, css = _KIND_TAGS.get(kind, ("Unknown", "govuk-tag--grey"))
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, label)


@register.filter
def percent(probability: float) -> str:
    """0.9731 -> "97.3%"; very near 1 shows as ">99.9%" rather than a misleading 100%."""
    if probability >= 0.9995:
        return ">99.9%"
    return f"{probability * 100:.1f}%"


@register.filter
def signed(weight: float) -> str:
    return f"{weight:+.1f}"


_COMPARISON_LABELS = {
    "given_name": "Given name",
    "date_of_birth": "Date of birth",
    "family_name": "Family name",
    "location": "Address, postcode and phone",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone",
}


@register.filter
def comparison_label(name: str) -> str:
    return _COMPARISON_LABELS.get(name, name.replace("_", " ").capitalize())
