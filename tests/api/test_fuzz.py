"""The API fuzzed over its own OpenAPI schema (schemathesis): generated and mutated
requests to every operation, as a Dinsos officer's token and as an agency's, with no 500
and no answer that breaks the schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from padu.accounts.choices import Role
from padu.accounts.services import issue_api_token
from padu.welfare.models import NeedRule

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _connections_kept():
    """The WSGI handler closes the database connection after each request (as a server
    must); within a test that connection holds the test's transaction, so it is kept, as
    Django's own test client keeps it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def keys(make_user, families):
    from padu.programs.models import Referral

    rule = NeedRule.objects.get(code="jaminan-kesehatan")
    Referral.objects.create(family=families["a"], rule=rule, agency=rule.agency, reason="uji")
    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    dinkes = make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=rule.agency)
    return [
        issue_api_token(user, name="fuzz", scopes=["read", "write"], days=1, actor=user)[1]
        for user in (dinsos, dinkes)
    ]


@pytest.mark.slow
@pytest.mark.once
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_request_breaks_the_api(case, keys):
    for key in keys:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {key}"},
            checks=[not_a_server_error, response_schema_conformance],
        )
