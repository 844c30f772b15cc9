"""Errors as RFC 9457 problem details (``application/problem+json``): a type, a title, the
status, what went wrong in words, and, for invalid input, which field and why."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE = "https://padu.go.id/masalah/"


def _invalid_fields(detail) -> list[dict]:
    if isinstance(detail, dict):
        return [
            {"field": field, "messages": [str(m) for m in messages]}
            for field, messages in detail.items()
        ]
    return [{"field": None, "messages": [str(m) for m in detail]}]


def problem_details(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's own 500 page, logged
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    code = getattr(exc, "default_code", "error")
    body = {
        "type": PROBLEM_TYPE + code,
        "title": str(getattr(exc, "default_detail", _("Galat"))),
        "status": response.status_code,
        "instance": context["request"].path if context.get("request") else None,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["title"] = _("Masukan tidak sah")
        body["detail"] = _("Periksa isian yang disebut di ``errors``.")
        body["errors"] = _invalid_fields(exc.detail)
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        body["detail"] = str(detail) if detail is not None else body["title"]
    problem = Response(body, status=response.status_code, headers=dict(response.items()))
    problem.content_type = "application/problem+json"
    return problem


__all__ = ["problem_details", "status"]
