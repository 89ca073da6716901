"""OpenAPI: how the token authentication is described."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "commerce.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "'Token <key>': a personal token (POST /api/auth/token/) "
            "or an integration token from the dashboard.",
        }


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error.",
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable code."},
        "message": {"type": "string", "description": "For people."},
        "details": {"description": "Field errors or specifics, or null.", "nullable": True},
    },
    "required": ["code", "message", "details"],
}


def add_error_responses(result, generator, request, public):
    """Document the one error shape on every operation (4XX and 5XX)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code in ("4XX", "5XX"):
                responses.setdefault(
                    code,
                    {"description": "An error", "content": {"application/json": {"schema": ref}}},
                )
    return result
