"""The OpenAPI 3 document of /api/v1, written by hand next to the endpoints it describes."""

from search_index.backend import FACETS
from solicitation.models import PUBLIC_CHANNELS, Channel, SuggestionStatus
from solicitation.services.suggestions import LIMITS

ERROR = {"$ref": "#/components/schemas/Error"}


def _response(description, schema=None):
    response = {"description": description}
    if schema:
        response["content"] = {"application/json": {"schema": schema}}
    return response


def openapi_document() -> dict:
    statuses = [status.value for status in SuggestionStatus]
    channels = [channel.value for channel in Channel if channel is not Channel.batch_import]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "改革项目征集评审平台 API",
            "version": "1",
            "description": (
                "Submit residents' reform suggestions from other channels and follow them by tracking code. "
                "Office endpoints need `Authorization: Bearer <token>` (made with `flask users token`). "
                "Errors are JSON objects with `error`, `message` and, for invalid fields, `fields`."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {}},
                    },
                },
                "NewSuggestion": {
                    "type": "object",
                    "required": ["title", "content"],
                    "properties": {
                        "round_id": {"type": "integer", "description": "Default: the newest round collecting."},
                        "title": {"type": "string", "maxLength": LIMITS["title"]},
                        "content": {"type": "string", "maxLength": LIMITS["content"]},
                        "category_id": {"type": "integer", "nullable": True},
                        "location": {"type": "string", "maxLength": LIMITS["location"]},
                        "channel": {
                            "type": "string",
                            "enum": channels,
                            "default": "web",
                            "description": "Without an office token: " + ", ".join(c.value for c in PUBLIC_CHANNELS),
                        },
                        "contact": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string", "maxLength": LIMITS["contact_name"]},
                                "phone": {"type": "string", "maxLength": LIMITS["contact_phone"]},
                                "email": {"type": "string", "format": "email"},
                            },
                        },
                        "consent": {"type": "boolean", "description": "Required true when contact is given."},
                    },
                },
                "Suggestion": {
                    "type": "object",
                    "properties": {
                        "tracking_code": {"type": "string", "example": "7KQ4-M2XD-9P3R"},
                        "title": {"type": "string"},
                        "status": {"type": "string", "enum": statuses},
                        "status_label": {"type": "string"},
                        "received_on": {"type": "string", "format": "date"},
                        "reply": {"type": "string", "nullable": True},
                        "duplicate_of": {"type": "string", "nullable": True},
                        "linked_proposals": {"type": "integer"},
                        "lookup_url": {"type": "string", "format": "uri"},
                    },
                },
            },
        },
        "paths": {
            "/suggestions": {
                "post": {
                    "summary": "Submit a suggestion",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewSuggestion"}}},
                    },
                    "responses": {
                        "201": _response(
                            "Received; keep the tracking code", {"$ref": "#/components/schemas/Suggestion"}
                        ),
                        "400": _response("Not a JSON object", ERROR),
                        "422": _response("Invalid fields", ERROR),
                        "429": _response("Too many submissions from this client", ERROR),
                    },
                }
            },
            "/suggestions/{code}": {
                "get": {
                    "summary": "Look a suggestion up by tracking code",
                    "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": _response("The suggestion", {"$ref": "#/components/schemas/Suggestion"}),
                        "404": _response("No such tracking code", ERROR),
                        "429": _response("Too many lookups", ERROR),
                    },
                }
            },
            "/search": {
                "get": {
                    "summary": "Full-text search (published material without a token; a token's user sees more)",
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                        *({"name": name, "in": "query", "schema": {"type": "string"}} for name in FACETS),
                        {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["relevance", "newest"]}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                    ],
                    "responses": {
                        "200": _response(
                            "The total, a page of items with marked snippets, and facet counts"
                            " (estimated = true: the total and the counts are rounded estimates)"
                        ),
                        "422": _response("No words or filter, or a malformed query", ERROR),
                        "429": _response("Too many searches", ERROR),
                    },
                }
            },
            "/rounds/{round_id}/suggestions": {
                "get": {
                    "summary": "List a round's suggestions (office)",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                        {"name": "status", "in": "query", "schema": {"type": "string", "enum": statuses}},
                        {"name": "channel", "in": "query", "schema": {"type": "string", "enum": channels + ["import"]}},
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "maximum": 200}},
                    ],
                    "responses": {
                        "200": _response("A page of suggestions, contact details masked"),
                        "401": _response("No valid token", ERROR),
                        "403": _response("Not an office token", ERROR),
                        "404": _response("No such round", ERROR),
                        "422": _response("Unknown filter value", ERROR),
                    },
                }
            },
            "/rounds/{round_id}/suggestions/import": {
                "post": {
                    "summary": "Import a spreadsheet of suggestions (office): all rows or none",
                    "security": [{"bearer": []}],
                    "parameters": [{"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"file": {"type": "string", "format": "binary"}},
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _response("Imported"),
                        "400": _response("No file", ERROR),
                        "401": _response("No valid token", ERROR),
                        "403": _response("Not an office token", ERROR),
                        "422": _response("Bad file or bad rows: nothing imported", ERROR),
                    },
                }
            },
        },
    }
