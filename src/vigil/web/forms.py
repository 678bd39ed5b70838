"""The one form base for Vigil's GOV.UK Design System forms, and the GOV.UK date input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from vigil.errors import StaleVersionError


def required_message(field: forms.Field) -> str:
    """The GOV.UK error message for a required field left empty, built from its label: it names
    the field ("Enter given names", "Select who reported the child missing"), not "This field
    is required". A question label loses its question mark; one whose words are inverted ("How
    did the return arrive?") cannot be turned round here, so such a field sets its own
    `error_messages={"required": ...}` (tests/web/test_required_messages.py checks every form)."""
    label = str(field.label or "a value").rstrip("?").strip()
    verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
    return f"{verb} {label[0].lower()}{label[1:]}"


class GovukFormRenderer(TemplatesSetting):
    # Uses settings.TEMPLATES, so the `govuk` template tags are available as builtins.
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class GovukForm(forms.Form):
    """Renders GOV.UK markup; `error_list()` feeds the error summary (field id, message)."""

    default_renderer = GovukFormRenderer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                field.error_messages.get("required")
                == forms.Field.default_error_messages["required"]
            ):
                field.error_messages["required"] = required_message(field)

    def error_list(self) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        for name, errors in self.errors.items():
            if name == "__all__":
                target = ""
            else:
                field = self.fields[name]
                target = self[name].auto_id
                if isinstance(
                    field.widget,
                    forms.MultiWidget | forms.CheckboxSelectMultiple | forms.RadioSelect,
                ):
                    target = f"{target}_0"
            items.extend((target, str(message)) for message in errors)
        return items

    # Set by run_service when the record changed under the user: the page shows their version.
    stale: StaleVersionError | None = None

    def run_service(self, action: Callable[[], Any]) -> Any:
        """Run a service for this form and return its result, or None when it refused: its
        ValidationError becomes field errors, a stale version a form error (kept in `stale`).
        Nothing is saved in either case."""
        try:
            return action()
        except ValidationError as error:
            self.add_service_errors(error)
        except StaleVersionError as error:
            self.add_error(None, error.message)
            self.stale = error
        return None

    def add_service_errors(self, error: ValidationError) -> None:
        """Attach a service's ValidationError to the fields it names (or the whole form)."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class GovukDateWidget(forms.MultiWidget):
    template_name = "govuk/date_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """Day, month and year boxes with the GOV.UK pattern's error messages."""

    widget = GovukDateWidget

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> date | None:
        parts = [str(part or "").strip() for part in (value or ["", "", ""])]
        label = self.label or "Date"
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {label.lower()}", code="required")
            return None
        missing = [
            name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            result = date(year, month, day)
        except ValueError:
            raise ValidationError(f"{label} must be a real date") from None
        if self.past_only and result > date.today():
            raise ValidationError(f"{label} must be today or in the past")
        return result

    def compress(self, data_list: list[Any]) -> Any:  # pragma: no cover - clean() does it all
        return data_list


class GovukTimeField(forms.CharField):
    """A 24-hour time like 21:30."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> time | None:
        text = (super().clean(value) or "").strip().replace(".", ":")
        if not text:
            return None
        try:
            hours, minutes = (int(part) for part in text.split(":"))
            return time(hours, minutes)
        except ValueError:
            raise ValidationError(
                f"{self.label or 'Time'} must be a real time, like 09:30 or 21:45"
            ) from None
