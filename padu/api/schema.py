"""How the OpenAPI schema describes Padu's token (drf-spectacular's extension point)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "padu.api.authentication.BearerTokenAuthentication"
    name = "tokenPadu"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token dari `padu api token --user NAMA` (awalan padu_).",
        }
