"""Answers built from plain data in the exact shape of a response schema, without validation.

ninja validates whatever an endpoint returns against the operation's response schema
(pydantic, through ninja's attribute-resolving root validator). For the screening endpoints,
called for every applicant and passenger, that validation cost more CPU than building the
answer (about 1 ms of the web worker's 7): the values come from our own code, not from a
client. Such an endpoint projects its value onto the schema's fields instead (the same keys,
the same defaults, nested schemas and lists of them, nothing else: a value the schema does
not name never leaves) and returns the JSON itself. The schema stays the endpoint's
documented ``response``, and a test checks that the projection equals ninja's own output.
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

_REQUIRED = object()


@dataclass(frozen=True)
class _Field:
    name: str
    default: Any  # _REQUIRED when the schema has none
    factory: typing.Callable[[], Any] | None
    nested: Projection | None
    many: bool


class Projection:
    """``Projection.of(Schema)(value)``: the schema's fields of a mapping, recursively."""

    def __init__(self, schema: type[BaseModel]) -> None:
        self.schema = schema
        fields = []
        for name, info in schema.model_fields.items():
            annotation = info.annotation
            nested: Projection | None = None
            many = False
            if typing.get_origin(annotation) is list:
                (item,) = typing.get_args(annotation)
                if _is_schema(item):
                    nested, many = Projection.of(item), True
            elif _is_schema(annotation):
                nested = Projection.of(typing.cast(type[BaseModel], annotation))
            default = _REQUIRED if info.is_required() else info.default
            fields.append(_Field(name, default, info.default_factory, nested, many))  # type: ignore[arg-type]
        self.fields = tuple(fields)

    @staticmethod
    @cache
    def of(schema: type[BaseModel]) -> Projection:
        return Projection(schema)

    def __call__(self, value: typing.Mapping[str, Any]) -> dict[str, Any]:
        projected: dict[str, Any] = {}
        for field in self.fields:
            if field.name in value:
                item = value[field.name]
            elif field.factory is not None:
                item = field.factory()
            elif field.default is not _REQUIRED:
                item = field.default
            else:
                raise KeyError(f"{self.schema.__name__}.{field.name} is required")
            if field.nested is not None and item is not None:
                item = [field.nested(part) for part in item] if field.many else field.nested(item)
            projected[field.name] = item
        return projected


def _is_schema(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def json_response(
    schema: type[BaseModel], value: typing.Mapping[str, Any], *, status: int
) -> HttpResponse:
    """The answer ninja would give for ``value`` under ``schema``, with the same encoder and
    content type, projected instead of validated. It carries personal data: no cache, no
    proxy may keep it."""
    response = HttpResponse(
        json.dumps(Projection.of(schema)(value), cls=NinjaJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    response["Cache-Control"] = "no-store, private"
    return response
