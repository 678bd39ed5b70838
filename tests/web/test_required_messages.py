"""Every required field's "left empty" message reads as a GOV.UK error message: it names the
field in plain words, with no question mark and no inverted question ("Select how did...")."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator

import pytest
from django import forms
from django.apps import apps

from vigil.web.forms import GovukForm, required_message

AUX = r"(is|are|was|were|do|does|did|have|has|can)"
INVERTED = re.compile(
    rf"^\w+ (how|what|where|why|which|when)\b[\w\s'-]*?"
    rf"\b{AUX} (the|you|it|this|these|they|returns)\b"
    rf"|^\w+ {AUX}\b",
    re.I,
)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _required_messages() -> list[tuple[str, str]]:
    for config in apps.get_app_configs():
        if config.name.startswith("vigil."):
            try:
                importlib.import_module(f"{config.name}.forms")
            except ModuleNotFoundError:
                continue
    out = []
    for form in _subclasses(GovukForm):
        for name, field in form.base_fields.items():
            if not field.required:
                continue
            message = field.error_messages.get("required")
            if message == forms.Field.default_error_messages["required"]:
                message = required_message(field)
            out.append((f"{form.__module__}.{form.__name__}.{name}", str(message)))
    return out


def test_every_form_is_checked() -> None:
    assert len(_required_messages()) > 50


@pytest.mark.parametrize(("field", "message"), _required_messages())
def test_required_message_reads_as_an_instruction(field: str, message: str) -> None:
    assert "?" not in message, field
    assert not INVERTED.search(message), f"{field}: {message!r}"
    assert message.split()[0] in {"Enter", "Select", "Choose", "Give", "Say", "Tick", "Confirm"}


def test_a_question_label_loses_its_question_mark() -> None:
    field = forms.ChoiceField(label="Who reported the child missing?", choices=[("a", "A")])
    assert required_message(field) == "Select who reported the child missing"
    assert required_message(forms.CharField(label="Given names")) == "Enter given names"
