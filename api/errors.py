"""The API's refusals, all in one JSON shape: {"error": code, "message": text, "fields": {field: text}}.

A request the declaration (api/schemas.py) refuses is answered here, before the view runs: 400 `bad_json` for a
body that is not a JSON object or a value of the wrong type, 422 for a value out of bounds (named as the rule the
services would name it), 422 `bad_filter` for a bad query parameter, 400 `file_required` for an upload without
its file.
"""

from flask import abort, jsonify, request
from pydantic import ValidationError

from core.errors import DomainError
from solicitation.errors import SolicitationError


def error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def domain_error(exc: DomainError, status: int = 422):
    """A refused rule as JSON: `status`, unless the rule names its own (413 for a file too large)."""
    fields = {exc.field: exc.message} if exc.field else None
    return error(exc.status_or(status), exc.code, exc.message, fields)


def not_a_json_object():
    return error(400, "bad_json", "The body must be a JSON object.")


def file_required():
    return error(400, "file_required", "Send the spreadsheet as the multipart field `file`.")


# A refused value keeps the code the services give the same mistake; where they have none, the field names it.
SCHEMA_CODES = {"missing": "field_required", "string_too_long": "field_too_long"}
FIELD_CODES = {
    "channel": "channel_not_allowed",
    "category_id": "category_not_in_round",
    "round_id": "round_not_soliciting",
}


def _field(problem: dict) -> str:
    # ("contact", "phone") is the services' contact_phone
    return "_".join(str(part) for part in problem["loc"]) or "body"


def _malformed(problem: dict) -> bool:
    """A value of the wrong JSON type (or text no database stores), as opposed to a value out of bounds."""
    return problem["type"].endswith(("_type", "_parsing")) or problem["type"] == "text_unstorable"


def _code(problem: dict) -> str:
    return SCHEMA_CODES.get(problem["type"]) or FIELD_CODES.get(_field(problem), "invalid_value")


def _message(problem: dict) -> str:
    """The services' translated message for the same mistake, else the schema's own words."""
    code = _code(problem)
    if code not in SolicitationError.messages:
        return problem["msg"]
    return SolicitationError(code, max=problem.get("ctx", {}).get("max_length")).message


def refuse_body(_request, _response, invalid: ValidationError | None, *_):
    """Answer a JSON body the declaration refuses: 400 when malformed, else 422 named as the rule broken."""
    if invalid is None:
        return
    if not isinstance(request.get_json(silent=True), dict):
        abort(not_a_json_object())
    problems = invalid.errors(include_url=False)
    malformed = [problem for problem in problems if _malformed(problem)]
    if malformed:
        fields = {_field(problem): problem["msg"] for problem in malformed}
        abort(error(400, "bad_json", "Wrongly typed values: " + ", ".join(fields) + ".", fields))
    first = problems[0]
    abort(error(422, _code(first), _message(first), {_field(problem): _message(problem) for problem in problems}))


def refuse_query(_request, _response, invalid: ValidationError | None, *_):
    """Answer query parameters the declaration refuses: 422 `bad_filter`, naming each."""
    if invalid is None:
        return
    fields = {_field(problem): problem["msg"] for problem in invalid.errors(include_url=False)}
    abort(error(422, "bad_filter", "Unknown or out of range: " + ", ".join(fields) + ".", fields))


def refuse_upload(_request, _response, invalid: ValidationError | None, *_):
    """Answer an upload without its file: 400 `file_required`."""
    if invalid is not None:
        abort(file_required())
