"""The NinjaAPI behind /api/v1/, adjusted so every answer under that prefix is the API's own.

- unknown paths under the prefix answer 404 with the error body (not Django's HTML page);
- a known path with a method it does not support answers 405 with the error body and ``Allow``;
- the root answers with an index of the API's documents;
- each operation's security requirement lists the scopes its token needs;
- every operation declares the errors any request can meet: 400 (unreadable), with parameters
  422 (invalid), with a body 413 (over ``DATA_UPLOAD_MAX_MEMORY_SIZE``);
- the browsable docs are Swagger UI served from ninja's bundled static files, under the site's
  strict Content-Security-Policy (no inline script: the settings travel as a JSON data block
  that ninja's own ``swagger-ui-init.js`` reads).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path, re_path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from benteng.api.errors import ApiErrorCode, ErrorOut, error_body

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class BentengSwagger(Swagger):
    """Swagger UI from the app's own static files, in a page with the site's language."""

    template = "api/docs.html"
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # Never send the schema to swagger.io's validator: the page may talk to this site only.
        "validatorUrl": None,
        "persistAuthorization": False,
    }


class ScopedOpenAPISchema(OpenAPISchema):
    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        security = super().operation_security(operation)
        if not security:
            return security
        # OpenAPI 3.1 lets a non-OAuth requirement list the roles (here: scopes) it needs.
        for requirement, auth in zip(security, operation.auth_callbacks, strict=True):
            for name in requirement:
                requirement[name] = list(getattr(auth, "scopes", ()))
        return security

    def responses(self, operation: Operation) -> dict[int, dict[str, Any]]:
        result: dict[int, dict[str, Any]] = super().responses(operation)
        # The middleware refuses a NUL or an oversize body; ninja validates what it parses.
        statuses = [400]
        if operation.models:
            statuses.append(422)
        if BODY_METHODS & set(operation.methods):
            statuses.append(413)
        for status in statuses:
            if status in result:
                continue
            schema = self._create_schema_from_model(
                cast(Any, ErrorOut), by_alias=operation.by_alias, mode="serialization"
            )[0]
            result[status] = {
                "description": HTTPStatus(status).phrase,
                "content": {self.api.renderer.media_type: {"schema": schema}},
            }
        return result


class BentengAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ScopedOpenAPISchema(self, path_prefix)

    def error_response(self, request: HttpRequest, status: int, code: ApiErrorCode) -> HttpResponse:
        return self.create_response(request, error_body(code), status=status)

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls: list[URLPattern | URLResolver] = []
        for pattern in super()._get_urls():
            if not isinstance(pattern, URLPattern) or pattern.name == "api-root":
                continue
            if pattern.name in ("openapi-json", "openapi-view"):
                pattern.callback = self._read_only(pattern.callback)
            else:
                pattern.callback = self._with_json_method_not_allowed(pattern.callback)
            urls.append(pattern)
        urls.append(path("", self._read_only(self._index_view), name="api-root"))
        urls.append(re_path(r"^.*$", csrf_exempt(self._not_found_view), name="api-not-found"))
        return urls

    def _with_json_method_not_allowed(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """ninja answers an unsupported method with a bare 405; give it the error body."""

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response: HttpResponse = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                return self._method_not_allowed(request, response["Allow"])
            return response

        return csrf_exempt(wrapper)

    def _read_only(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """The schema, the docs and the index answer GET and HEAD only."""

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return self._method_not_allowed(request, "GET, HEAD")
            response: HttpResponse = view(request, *args, **kwargs)
            return response

        return csrf_exempt(wrapper)

    def _method_not_allowed(self, request: HttpRequest, allowed: str) -> HttpResponse:
        response = self.error_response(request, 405, ApiErrorCode.METHOD_NOT_ALLOWED)
        response["Allow"] = allowed
        return response

    def _index_view(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        body = {
            "name": self.title,
            "version": self.version,
            "docs": reverse(f"{self.urls_namespace}:openapi-view"),
            "openapi": reverse(f"{self.urls_namespace}:openapi-json"),
            "health": reverse(f"{self.urls_namespace}:health"),
        }
        return self.create_response(request, body, status=200)

    def _not_found_view(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.error_response(request, 404, ApiErrorCode.NOT_FOUND)
