"""The OpenAPI 3.1 document of /api/v1, made by spectree from the operations' declarations (api/schemas.py).

Each view is decorated with `spec.validate(...)`, which checks its request against the same models the
document shows; only operations so decorated appear (`mode="strict"`).
"""

from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree
from spectree.model_adapter.pydantic_adapter import PydanticModelAdapter

from api.errors import refuse_body
from api.schemas import Error


class ModelAdapter(PydanticModelAdapter):
    def validation_errors(self, err):
        # Never the input: a form's fields may not even be JSON (a field without a name), and what a
        # resident typed is not echoed back. api/errors.py answers from the error itself.
        return err.errors(include_context=False, include_input=False, include_url=False)


spec = SpecTree(
    "flask",
    mode="strict",
    title="改革项目征集评审平台 API",
    version="1",
    description=(
        "Submit residents' reform suggestions from other channels and follow them by tracking code. "
        "Office operations need `Authorization: Bearer <token>` (made by the office on its API tokens page or "
        "with `flask users token`); the calls made with a token count against its own rate limit (429 past it). "
        "Errors are JSON objects with `error` (a code), `message` and, for invalid fields, `fields`: "
        "400 for a body that is not a JSON object or a value of the wrong type, "
        "422 for a value out of bounds or a rule refused."
    ),
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))],
    validation_error_model=Error,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    before=refuse_body,
    model_adapter=ModelAdapter(),
)
OFFICE = {"bearer": []}


def responses(answer: tuple[int, type], *refusals: int) -> Response:
    """An operation's answer (status, model) and the statuses of its refusals, all in the `Error` shape."""
    status, model = answer
    return Response(**{f"HTTP_{status}": model}, **{f"HTTP_{refusal}": Error for refusal in refusals})


def openapi_document() -> dict:
    return spec.spec
