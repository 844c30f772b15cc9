"""The DCI social registry API (v1.0.0): ``POST /registry/sync/search`` (also at
``/sr/sync/search``, where other registries serve it) and ``/registry/sync/txn/status``,
with the standard's ``{signature, header, message}`` envelope. A malformed envelope is
answered with the standard's reject code in the header, a request that cannot be read with
its own reason code; neither is an HTTP error."""

import datetime as dt
import uuid
from pathlib import Path

from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from padu.accounts.policy import Action
from padu.accounts.services import issue_api_token, log_shown, token_for_key
from padu.registry.models import Family, Person

from ..models import DciMessage
from ..permissions import PolicyPermission
from ..services import DuplicateMessage, record_dci_message
from .records import group_records, member_record
from .search import Rejected, run_search

VERSION = "1.0.0"
#: The most search requests one message may carry.
MOST_REQUESTS = 100
RECEIVER_ID = "padu"


def _now() -> str:
    return timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_time(value) -> bool:
    try:
        dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


class _Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _check_header(header, message, action: str, requests_key: str) -> list:
    """The message's requests, if its header is sound; else _Refused with the code."""
    if not isinstance(header, dict):
        raise _Refused("rjct.action.invalid", "header harus objek")
    if str(header.get("version", VERSION)) != VERSION:
        raise _Refused("rjct.version.invalid", f"versi {header.get('version')!r}: {VERSION}")
    if not str(header.get("message_id") or "").strip():
        raise _Refused("rjct.message_id.duplicate", "message_id wajib diisi dan unik")
    if not _parse_time(header.get("message_ts")):
        raise _Refused("rjct.message_ts.invalid", "message_ts: waktu ISO 8601")
    if header.get("action") != action:
        raise _Refused("rjct.action.invalid", f"action harus {action!r}")
    if header.get("is_msg_encrypted") is True:
        raise _Refused("rjct.action.not_supported", "pesan terenkripsi belum didukung")
    if not isinstance(message, dict):
        raise _Refused("rjct.action.invalid", "message harus objek")
    requests = message.get(requests_key)
    if requests_key == "search_request":
        if not isinstance(requests, list) or not requests:
            raise _Refused("rjct.total_count.invalid", "search_request harus daftar berisi")
        try:
            declared = int(header.get("total_count", len(requests)))
        except (TypeError, ValueError):
            raise _Refused("rjct.total_count.invalid", "total_count harus angka") from None
        if declared != len(requests):
            raise _Refused(
                "rjct.total_count.invalid", f"total_count {declared}, permintaan {len(requests)}"
            )
        if len(requests) > MOST_REQUESTS:
            raise _Refused("rjct.total_count.limit_exceeded", f"paling banyak {MOST_REQUESTS}")
    return requests


def _reply_header(header: dict, action: str, *, status: str, total=0, completed=0, code=None,
                  reason="") -> dict:  # fmt: skip
    reply = {
        "version": VERSION,
        "message_id": str(uuid.uuid4()),
        "message_ts": _now(),
        "action": action,
        "status": status,
        "total_count": total,
        "completed_count": completed,
        "sender_id": RECEIVER_ID,
        "receiver_id": str(header.get("sender_id", ""))[:99] if isinstance(header, dict) else "",
        "is_msg_encrypted": False,
    }
    if code:
        reply["status_reason_code"] = code
        reply["status_reason_message"] = reason[:999]
    return reply


class DciView(APIView):
    """The door: a DCI client reads families as the user its token belongs to."""

    model = Family
    permission_classes = [PolicyPermission]
    reads_by_post = True

    def current_action(self) -> str:
        return Action.VIEW

    def reply(self, body: dict) -> Response:
        return Response(body, content_type="application/json")


#: How the endpoints appear in Padu's schema: the bodies are the standard's own (its
#: document ships in padu/api/data/dci/ and is served at /api/dci/social_api.yaml).
DCI_SCHEMA = {
    "request": OpenApiTypes.OBJECT,
    "responses": {200: OpenApiTypes.OBJECT},
    "tags": ["DCI"],
}


class SyncSearchView(DciView):
    @extend_schema(
        summary="DCI sync search (Group or Member records)",
        description="The DCI social registry standard v1.0.0 `/registry/sync/search`: the "
        "`{signature, header, message}` envelope; query types idtype-value, expression, "
        "predicate. Bodies as in /api/dci/social_api.yaml.",
        **DCI_SCHEMA,
    )
    def post(self, request):
        envelope = request.data if isinstance(request.data, dict) else {}
        header, message = envelope.get("header"), envelope.get("message")
        try:
            requests = _check_header(header, message, "search", "search_request")
            # A repeat is refused before any search runs (the unique id still guards a race).
            if DciMessage.objects.filter(message_id=str(header["message_id"])[:99]).exists():
                raise _Refused("rjct.message_id.duplicate", "message_id ini sudah pernah dikirim")
        except _Refused as refused:
            return self.reply(
                {
                    "header": _reply_header(
                        header,
                        "on-search",
                        status="rjct",
                        code=refused.code,
                        reason=refused.message,
                    )
                }
            )
        user = request.user
        families = Family.objects.restrict(user, Action.VIEW).select_related("village")
        persons = Person.objects.restrict(user, Action.VIEW)
        reveal = user.sees_full_identifiers
        responses, outcomes, seen = [], [], set()
        for item in requests:
            item = item if isinstance(item, dict) else {}
            reference = str(item.get("reference_id", ""))[:99]
            answer = {"reference_id": reference, "timestamp": _now()}
            try:
                if reference and reference in seen:
                    raise Rejected("rjct.reference_id.duplicate", "reference_id berulang")
                seen.add(reference)
                if "timestamp" in item and not _parse_time(item["timestamp"]):
                    raise Rejected("rjct.timestamp.invalid", "timestamp: waktu ISO 8601")
                found = run_search(
                    item.get("search_criteria"),
                    families=families.prefetch_related("members"),
                    persons=persons,
                )
            except Rejected as rejected:
                answer.update(status="rjct", status_reason_code=rejected.code,
                              status_reason_message=rejected.message[:999])  # fmt: skip
                outcomes.append(
                    {"reference_id": reference, "status": "rjct", "code": rejected.code}
                )
            else:
                if found.entity == "Group":
                    records = group_records(found.rows, reveal=reveal)
                else:
                    records = [member_record(p, reveal=reveal) for p in found.rows]
                log_shown(
                    request,
                    object_type="family" if found.entity == "Group" else "person",
                    ids=[row.pk for row in found.rows],
                    detail=f"DCI {found.entity} {reference}",
                )
                answer.update(status="succ", data={"version": VERSION, "reg_records": records})
                answer["status_reason_message"] = f"{found.total} rekaman cocok"
                outcomes.append({"reference_id": reference, "status": "succ", "found": found.total})
            responses.append(answer)
        correlation = str(uuid.uuid4())
        transaction_id = str(message.get("transaction_id") or "")[:99]
        try:
            record_dci_message(
                message_id=str(header["message_id"])[:99],
                sender_id=str(header.get("sender_id", ""))[:99],
                transaction_id=transaction_id,
                correlation_id=correlation,
                outcomes=outcomes,
                actor=user,
            )
        except DuplicateMessage:
            return self.reply(
                {
                    "header": _reply_header(
                        header,
                        "on-search",
                        status="rjct",
                        code="rjct.message_id.duplicate",
                        reason="message_id ini sudah pernah dikirim",
                    )
                }
            )
        succeeded = sum(1 for o in outcomes if o["status"] == "succ")
        return self.reply(
            {
                "header": _reply_header(
                    header, "on-search", status="succ", total=len(responses), completed=succeeded
                ),
                "message": {
                    "transaction_id": transaction_id,
                    "correlation_id": correlation,
                    "search_response": responses,
                },
            }
        )


class SyncTxnStatusView(DciView):
    """How the searches of an earlier transaction ended (not their records again)."""

    @extend_schema(
        summary="DCI sync transaction status",
        description="The DCI standard's `/registry/sync/txn/status`, for searches answered "
        "earlier (by transaction_id, correlation_id or reference_id_list).",
        **DCI_SCHEMA,
    )
    def post(self, request):
        envelope = request.data if isinstance(request.data, dict) else {}
        header, message = envelope.get("header"), envelope.get("message")
        try:
            _check_header(header, message, "txn-status", "txnstatus_request")
            asked = message.get("txnstatus_request") or {}
            if not isinstance(asked, dict):
                raise _Refused("rjct.action.invalid", "txnstatus_request harus objek")
        except _Refused as refused:
            return self.reply(
                {
                    "header": _reply_header(
                        header,
                        "txn-on-status",
                        status="rjct",
                        code=refused.code,
                        reason=refused.message,
                    )
                }
            )
        kind, value = asked.get("attribute_type"), asked.get("attribute_value")
        mine = DciMessage.objects.filter(caller=request.user)
        if kind == "correlation_id":
            found = mine.filter(correlation_id=str(value))
        else:
            found = mine.filter(transaction_id=str(message.get("transaction_id") or value or ""))
        outcomes = [outcome for m in found for outcome in m.outcomes]
        if kind == "reference_id_list" and isinstance(value, list):
            outcomes = [o for o in outcomes if o["reference_id"] in {str(v) for v in value}]
        first = found.first()
        return self.reply(
            {
                "header": _reply_header(
                    header,
                    "txn-on-status",
                    status="succ",
                    total=len(outcomes),
                    completed=len(outcomes),
                ),
                "message": {
                    "transaction_id": str(message.get("transaction_id") or "")[:99],
                    "correlation_id": first.correlation_id if first else "",
                    "txnstatus_response": {
                        "txn_type": "search",
                        "txn_status": {
                            "transaction_id": first.transaction_id if first else "",
                            "search_response": [
                                {
                                    "reference_id": o["reference_id"],
                                    "timestamp": _now(),
                                    "status": o["status"],
                                    **({"status_reason_code": o["code"]} if o.get("code") else {}),
                                }
                                for o in outcomes
                            ],
                        },
                    },
                },
            }
        )


def standard_document(request):
    """The DCI standard's own OpenAPI document, which these endpoints answer to."""
    return FileResponse(
        (Path(__file__).parent.parent / "data" / "dci" / "social_api_v1.0.0.yaml").open("rb"),
        content_type="application/yaml",
    )


#: How long an access token from the client-credentials grant lives.
ACCESS_TOKEN_SECONDS = 3600


class ClientTokenView(APIView):
    """OAuth2 client credentials (RFC 6749 §4.4, the DCI authz core's
    ``/oauth2/client/token``): ``client_id`` is the Padu account of the client system,
    ``client_secret`` a long-lived token of that account (``padu api token``); the answer is
    an access token for an hour, with the secret's scopes."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        summary="DCI / OAuth2 client-credentials token",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
        tags=["DCI"],
    )
    def post(self, request):
        data = request.data
        if data.get("grant_type") != "client_credentials":
            return Response({"error": "unsupported_grant_type"}, status=400)
        client_id, secret = str(data.get("client_id", "")), str(data.get("client_secret", ""))
        if not client_id or not secret:
            return Response({"error": "invalid_request"}, status=400)
        granted = token_for_key(secret)
        user = granted.user if granted is not None else None
        if user is None or user.username != client_id or not user.is_active or user.has_expired:
            return Response({"error": "invalid_client"}, status=401)
        _token, key = issue_api_token(
            user,
            name="DCI access token",
            scopes=granted.scopes,
            days=ACCESS_TOKEN_SECONDS / 86400,
            actor=user,
        )
        return Response(
            {"access_token": key, "token_type": "bearer", "expires_in": str(ACCESS_TOKEN_SECONDS)}
        )
