"""The ingestion API's OpenAPI 3.1 document, built from its pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.api.models import MAX_BATCH, Batch, Problem, Result

_REF = "#/components/schemas/{model}"


def _schemas(*models: type[BaseModel]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=_REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": _REF.format(model="Problem")}}},
    }


def openapi_document() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pilote ingestion API",
            "version": "1.0.0",
            "description": (
                "Readings from machine sources (a ticketing tool, monitoring), read by the same rules as a "
                'reading typed in Slack. A token is made by an app admin with `/kpi token new "<name>"` '
                "and sent as `Authorization: Bearer <token>`."
            ),
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": _schemas(Batch, Result, Problem),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A workspace's API token (`pil_…`).",
                }
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/readings": {
                "post": {
                    "operationId": "recordReadings",
                    "summary": f"Record one reading or a batch of up to {MAX_BATCH:,}",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": (
                                "Any unique text (a UUID): a batch sent again under the same key records "
                                "nothing twice and gets the first answer back (header Idempotent-Replayed). "
                                "The same key with another body is a 409."
                            ),
                            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": _REF.format(model="Batch")},
                                        {"$ref": _REF.format(model="ReadingIn")},
                                    ]
                                }
                            }
                        },  # fmt: skip
                    },
                    "responses": {
                        "200": {
                            "description": "Stored (with `partial`, the refused readings are listed).",
                            "content": {
                                "application/json": {"schema": {"$ref": _REF.format(model="Result")}}
                            },
                        },
                        "400": _problem("Malformed JSON or Idempotency-Key."),
                        "401": _problem("No valid token."),
                        "409": _problem("The Idempotency-Key was used for another body."),
                        "413": _problem("The body is over 5 MB."),
                        "415": _problem("The body is not application/json."),
                        "422": _problem(
                            "The batch does not match the schema, or readings were refused: nothing stored."
                        ),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {"description": "The OpenAPI document.", "content": {"application/json": {}}}
                    },
                }
            },
        },
    }
