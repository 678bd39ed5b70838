"""OpenAPI schema additions drf-spectacular cannot infer from the views: the justification a
sensitive record's read needs (vigil.accounts.justification), documented on every operation
that reads one record."""

from __future__ import annotations

from typing import Any

from vigil.accounts.justification import API_HEADER, API_QUERY_PARAMETER, API_STATUS

_WHY = (
    "Why you are looking (a case reference or a few words), recorded in the audit with this "
    "read (DPA 2018 s62). Needed for a sensitive record (a victim, a restricted record, "
    f"intelligence); without it the API answers {API_STATUS}."
)

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "errors"],
}


def _reads_one_record(path: str, method: str) -> bool:
    return method == "get" and path.startswith("/api/") and "{" in path


def document_justification(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not _reads_one_record(path, method):
                continue
            parameters = operation.setdefault("parameters", [])
            names = {(parameter.get("in"), parameter.get("name")) for parameter in parameters}
            if ("header", API_HEADER) not in names:
                parameters.append(
                    {
                        "in": "header",
                        "name": API_HEADER,
                        "schema": {"type": "string", "maxLength": 500},
                        "description": _WHY,
                    }
                )
            if ("query", API_QUERY_PARAMETER) not in names:
                parameters.append(
                    {
                        "in": "query",
                        "name": API_QUERY_PARAMETER,
                        "schema": {"type": "string", "maxLength": 500},
                        "description": f"The same as the {API_HEADER} header.",
                    }
                )
            operation.setdefault("responses", {})[str(API_STATUS)] = {
                "description": "The record is sensitive and no justification was given.",
                "content": {"application/json": {"schema": ERROR_SCHEMA}},
            }
    return result
