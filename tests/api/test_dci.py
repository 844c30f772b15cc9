"""The DCI social registry API: the standard's own sample requests, adapted to the city,
answered with bodies valid against the standard's schema; malformed envelopes answered
with its reject codes, never an HTTP error."""

import copy
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

import padu.api
from padu.accounts.choices import Role
from padu.accounts.models import AccessLog
from padu.accounts.services import issue_api_token

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "dci_samples"
SPEC = Path(padu.api.__file__).parent / "data" / "dci" / "social_api_v1.0.0.yaml"
SEARCH = "/api/dci/registry/sync/search"
NIK_A, KK_A = "3374011705800001", "3374010101100001"


def _validator(pointer: str):
    document = yaml.safe_load(SPEC.read_text())
    registry = Registry().with_resource("urn:dci", Resource(document, specification=DRAFT4))
    return jsonschema.Draft4Validator({"$ref": f"urn:dci#{pointer}"}, registry=registry)


SEARCH_REPLY = _validator(
    "/paths/~1registry~1sync~1search/post/responses/default/content/application~1json/schema"
)


def _valid(body: dict) -> None:
    errors = sorted(SEARCH_REPLY.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def key(make_user, families):
    user = make_user("siks-ng", Role.DINSOS_OFFICER, "33.74")
    return issue_api_token(user, name="DCI", scopes=["read"], days=1, actor=user)[1]


def _post(client, key, body, url=SEARCH):
    return client.post(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def _sample(name: str) -> dict:
    body = json.loads((SAMPLES / name).read_text())
    body["header"]["message_id"] = str(uuid.uuid4())  # each message is new
    return body


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*req.json")))
def test_every_sample_of_the_standard_is_answered_validly(client, key, name):
    response = _post(client, key, _sample(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    _valid(body)
    assert body["header"]["action"] == "on-search"
    assert body["header"]["status"] == "succ"
    (answer,) = body["message"]["search_response"]
    assert answer["status"] in ("succ", "rjct")


def _by(criteria_query: dict, *, entity="Group", query_type="idtype-value", **extra) -> dict:
    body = _sample("processflow1-1req.json")
    criteria = body["message"]["search_request"][0]["search_criteria"]
    criteria.update(query_type=query_type, response_entity=entity, query=criteria_query, sort=[])
    criteria.update(extra)
    return body


def test_a_family_by_nik_comes_with_its_members_and_is_logged(client, key, families):
    body = _post(client, key, _by({"type": "NIK", "value": NIK_A})).json()
    _valid(body)
    (answer,) = body["message"]["search_response"]
    (group,) = answer["data"]["reg_records"]
    assert group["group_identifier"][0] == {
        "@type": "Identifier", "identifier_type": "KK", "identifier_value": KK_A,
    }  # fmt: skip
    assert (
        group["group_size"] == 2 and group["group_head_info"]["demographic_info"]["sex"] == "male"
    )
    assert AccessLog.objects.filter(object_type="family", detail__startswith="DCI Group").exists()
    members = _post(client, key, _by({"type": "KK", "value": KK_A}, entity="Member")).json()
    records = members["message"]["search_response"][0]["data"]["reg_records"]
    assert len(records) == 2
    bandung = _post(client, key, _by({"type": "NIK", "value": "3273011705800003"})).json()
    assert bandung["message"]["search_response"][0]["data"]["reg_records"] == []


def test_predicates_and_expressions_sorting_and_pages(client, key, families):
    predicate = [{"seq_num": 1, "expression1": {"attribute_name": "gender", "operator": "eq",
                  "attribute_value": "male"}, "condition": "and",
                  "expression2": {"attribute_name": "age", "operator": "gt", "attribute_value": "18"}}]  # fmt: skip
    body = _post(client, key, _by(predicate, entity="Member", query_type="predicate")).json()
    _valid(body)
    records = body["message"]["search_response"][0]["data"]["reg_records"]
    # The heads of the two Semarang families (the fixture's heads are men born 1980); the
    # children have no sex recorded, and Bandung's head is not the caller's.
    names = {r["demographic_info"]["name"]["given_name"] for r in records}
    assert names == {"Budi Santoso", "Siti Aminah"}
    by_desil = _by(predicate, entity="Member", query_type="predicate",
                   sort=[{"attribute_name": "poverty_score", "sort_order": "desc"}])  # fmt: skip
    assert _post(client, key, by_desil).json()["message"]["search_response"][0]["status"] == "succ"
    predicate[0]["expression1"]["attribute_value"] = "female"
    body = _post(client, key, _by(predicate, entity="Member", query_type="predicate")).json()
    assert body["message"]["search_response"][0]["data"]["reg_records"] == []
    expression = {"type": "ns:org:QueryType:NoSql", "value": {"expression": {
        "collection": "Group", "query": {"$and": [{"group_size": {"$gte": 2}}]}}}}  # fmt: skip
    paged = _by(expression, query_type="expression",
                sort=[{"attribute_name": "group_size", "sort_order": "desc"}],
                pagination={"page_size": 1, "page_number": 2})  # fmt: skip
    body = _post(client, key, paged).json()
    _valid(body)
    assert len(body["message"]["search_response"][0]["data"]["reg_records"]) == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda b: b["message"]["search_request"][0]["search_criteria"].update(query={"type": "Paspor", "value": "1"}), "rjct.search_criteria.invalid"),
        (lambda b: b["message"]["search_request"][0]["search_criteria"].update(response_entity="Kota"), "rjct.search_criteria.invalid"),
        (lambda b: b["message"]["search_request"][0]["search_criteria"].update(pagination={"page_size": 0}), "rjct.pagination.invalid"),
        (lambda b: b["message"]["search_request"][0]["search_criteria"].update(sort=[{"attribute_name": "shoe_size"}]), "rjct.sort.invalid"),
        (lambda b: b["message"]["search_request"][0].update(timestamp="kemarin"), "rjct.timestamp.invalid"),
    ],
)  # fmt: skip
def test_a_request_that_cannot_be_read_is_rejected_alone(client, key, change, code):
    body = _by({"type": "NIK", "value": NIK_A})
    second = copy.deepcopy(body["message"]["search_request"][0])
    second["reference_id"] = "kedua"
    body["message"]["search_request"].append(second)
    body["header"]["total_count"] = 2
    change(body)
    reply = _post(client, key, body).json()
    _valid(reply)
    first, other = reply["message"]["search_response"]
    assert (first["status"], first["status_reason_code"]) == ("rjct", code)
    assert other["status"] == "succ"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda b: b["header"].update(version="9.9"), "rjct.version.invalid"),
        (lambda b: b["header"].update(message_ts="bukan waktu"), "rjct.message_ts.invalid"),
        (lambda b: b["header"].update(action="subscribe"), "rjct.action.invalid"),
        (lambda b: b["header"].update(total_count="3"), "rjct.total_count.invalid"),
        (lambda b: b["header"].update(is_msg_encrypted=True), "rjct.action.not_supported"),
        (lambda b: b.update(message="teks"), "rjct.action.invalid"),
        (lambda b: b.pop("header"), "rjct.action.invalid"),
    ],
)
def test_a_malformed_envelope_gets_the_standard_s_reject_code(client, key, change, code):
    body = _sample("processflow1-1req.json")
    change(body)
    response = _post(client, key, body)
    assert response.status_code == 200
    reply = response.json()
    _valid(reply)
    assert (reply["header"]["status"], reply["header"]["status_reason_code"]) == ("rjct", code)


def test_a_repeated_message_id_is_refused(client, key):
    body = _sample("processflow1-1req.json")
    assert _post(client, key, body).json()["header"]["status"] == "succ"
    again = _post(client, key, body).json()
    assert again["header"]["status_reason_code"] == "rjct.message_id.duplicate"


def test_the_alias_path_and_the_transaction_status(client, key):
    body = _by({"type": "NIK", "value": NIK_A})
    body["message"]["transaction_id"] = "trx-1"
    body["message"]["search_request"][0]["reference_id"] = "ref-1"
    assert _post(client, key, body, url="/api/dci/sr/sync/search").status_code == 200
    status = {
        "header": {**body["header"], "message_id": str(uuid.uuid4()), "action": "txn-status"},
        "message": {"transaction_id": "trx-1", "txnstatus_request": {
            "reference_id": "q", "txn_type": "search", "attribute_type": "transaction_id",
            "attribute_value": "trx-1"}},
    }  # fmt: skip
    reply = _post(client, key, status, url="/api/dci/registry/sync/txn/status").json()
    results = reply["message"]["txnstatus_response"]["txn_status"]["search_response"]
    assert results == [
        {"reference_id": "ref-1", "timestamp": results[0]["timestamp"], "status": "succ"}
    ]


def test_no_token_no_answer(client):
    response = client.post(SEARCH, "{}", content_type="application/json")
    assert response.status_code in (401, 403)


def test_a_client_gets_an_access_token_with_its_credentials(client, make_user, families):
    system = make_user("siks-ng", Role.DINSOS_OFFICER, "33.74")
    secret = issue_api_token(system, name="klien DCI", scopes=["read"], days=365, actor=system)[1]
    url = "/api/dci/oauth2/client/token"
    granted = client.post(
        url, {"grant_type": "client_credentials", "client_id": "siks-ng", "client_secret": secret}
    )
    assert granted.status_code == 200
    body = granted.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == "3600"
    reply = _post(client, body["access_token"], _by({"type": "NIK", "value": NIK_A})).json()
    assert reply["message"]["search_response"][0]["status"] == "succ"
    wrong = client.post(
        url, {"grant_type": "client_credentials", "client_id": "lain", "client_secret": secret}
    )
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
    assert client.post(url, {"grant_type": "password"}).json() == {
        "error": "unsupported_grant_type"
    }
