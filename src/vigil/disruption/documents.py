"""The printed documents of the disruption tools (issue 9: "Documents and alerts"): the CAWN
letter, the hotel information notice with its legal wording, and a breach summary for any tool
with breaches. Each is HTML rendered to PDF by WeasyPrint, with the force's name and the
officer's details; the view records every generation as a disclosure
(`services.record_document`) before it renders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from vigil.core import disruption as rules
from vigil.disruption.access import can_see_record
from vigil.disruption.models import (
    Breach,
    ChildAbductionWarningNotice,
    HotelInformationNotice,
    PreventionOrder,
    WarningOrInjunction,
)
from vigil.web.templatetags.govuk import ref

BreachableTool = (
    ChildAbductionWarningNotice | PreventionOrder | WarningOrInjunction | HotelInformationNotice
)


def render_pdf(template: str, context: dict[str, Any], *, base_url: str) -> bytes:
    """A document template rendered to PDF with the print stylesheet (a file, not inline CSS:
    the site's Content-Security-Policy forbids inline styles)."""
    import weasyprint  # 1.9 s to import: only when a document is asked for

    html = render_to_string(template, context)
    css = finders.find("disruption/notice-pdf.css")
    stylesheets = [weasyprint.CSS(filename=css)] if isinstance(css, str) else []
    pdf = weasyprint.HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets)
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf


@dataclass(frozen=True)
class Officer:
    """The officer a document names: name, rank (if any), force or agency, team, email."""

    name: str
    rank: str
    force: str
    team: str
    email: str

    @classmethod
    def of(cls, user: Any) -> Officer:
        if user is None:
            return cls("", "", "", "", "")
        return cls(
            name=user.get_full_name() or user.get_username(),
            rank=rules.rank_label(user.rank) if user.rank else "",
            force=str(user.agency) if user.agency_id else "",
            team=str(user.team) if getattr(user, "team_id", None) else "",
            email=user.email or "",
        )


def _day(value: Any) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def tool_facts(user: Any, tool: BreachableTool) -> list[tuple[str, str]]:
    """The tool's key facts for a breach summary, naming only the people and places the user
    may see (the tool's own subjects are always visible to anyone who can see the tool)."""
    facts: list[tuple[str, str]] = []

    def person(label: str, someone: Any) -> None:
        if someone is not None and can_see_record(user, someone):
            born = f", born {_day(someone.date_of_birth)}" if someone.date_of_birth else ""
            facts.append((label, f"{someone.full_name} ({ref(someone)}){born}"))

    if isinstance(tool, ChildAbductionWarningNotice):
        person("Person warned", tool.subject)
        person("Child", tool.child)
        facts += [
            ("Issued", _day(tool.issued_on)),
            ("Served", _day(tool.served_on) or "Not recorded"),
            ("Ends", _day(tool.expires_on)),
        ]
    elif isinstance(tool, PreventionOrder):
        person("Subject", tool.subject)
        for child in tool.protected_children.all():
            person("Child protected", child)
        facts += [
            ("Court", tool.court),
            ("Made", _day(tool.made_on) or tool.get_stage_display()),
        ]
        for prohibition in tool.prohibitions.filter(ended_on__isnull=True):
            facts.append(
                (
                    prohibition.get_prohibition_type_display(),
                    f"{prohibition.wording} ({prohibition.period_text.lower()})",
                )
            )
        if tool.discharged_on:
            facts.append(("Discharged", _day(tool.discharged_on)))
    elif isinstance(tool, WarningOrInjunction):
        person("Given to", tool.subject)
        person("Protects", tool.protected_person)
        facts += [
            ("Issued or made", _day(tool.issued_on)),
            ("Served", _day(tool.served_on) or "Not recorded"),
            ("Conduct or requirements", tool.terms),
        ]
        if tool.expires_on:
            facts.append(("Ends", _day(tool.expires_on)))
    else:
        premises = tool.premises
        if can_see_record(user, premises):
            facts.append(("Premises", premises.name or premises.address_line_1))
        facts += [
            (
                "Served on",
                f"{tool.recipient_name} ({tool.get_recipient_capacity_display().lower()})",
            ),
            ("Period", tool.period_text),
            ("Served", _day(tool.served_on) or "Not recorded"),
        ]
    return [(label, value) for label, value in facts if value]


@dataclass(frozen=True)
class BreachLine:
    breach: Breach
    evidence: list[str]


def breach_summary_context(
    user: Any, tool: BreachableTool, breaches: list[Breach], *, kind_label: str
) -> dict[str, Any]:
    """What the breach summary shows: the tool, each breach in date order with the offence it
    may be and the evidence the user may see, and who produced the summary and when."""
    lines = [
        BreachLine(
            breach,
            [
                f"{ref(event)}: {event.summary}"
                for event in breach.evidence.all()
                if can_see_record(user, event)
            ],
        )
        for breach in sorted(breaches, key=lambda b: (b.occurred_at, b.pk))
    ]
    return {
        "tool": tool,
        "kind_label": kind_label,
        "force": tool.owning_agency,
        "facts": tool_facts(user, tool),
        "lines": lines,
        "officer": Officer.of(user),
        "generated_at": timezone.localtime(),
    }


def generated_stamp(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M}"
