"""The DCI social registry's synchronous search, read into Padu's registry: the three query
types (``idtype-value``, ``expression`` as a MongoDB-like document, ``predicate`` lists),
``Group`` (a family with its members) or ``Member`` (persons) records, sorting and pages.

Padu's fields in the standard's terms (documented in the README):

- ``poverty_score``: the family's desil of the welfare results in force (1 poorest – 10);
- ``group_size`` / ``household_size``: the family's active members;
- ``NIK`` (also ``NationalID``, ``UIN``) and ``KK`` (also ``FamilyCard``): the numbers;
- ``sex`` / ``gender`` (``male``/``m``/``L``, ``female``/``f``/``P``), ``age`` (years),
  ``marital_status`` (Padu's codes), ``location`` (a Kemendagri code: that area and below).

What cannot be read is a per-request rejection with the standard's reason code, never an
error of the whole call.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from padu.registry import choices as c
from padu.registry.queries import member_count
from padu.welfare.services import current_results

#: The most records one search may match (narrow it, or page through a smaller one).
MOST_RECORDS = 10_000
MOST_PAGE_SIZE = 100
NIK_TYPES = {"nik", "nationalid", "national_id", "uin", "id"}
KK_TYPES = {"kk", "no_kk", "familycard", "family_card", "household_id"}
GROUPS = {"group", "household", "family"}
MEMBERS = {"member", "person", "individual"}
OPERATORS = {"eq": "", "ne": "", "lt": "__lt", "lte": "__lte", "le": "__lte", "gt": "__gt",
             "gte": "__gte", "ge": "__gte", "in": "__in"}  # fmt: skip
MARITAL = {"single": c.MaritalStatus.SINGLE, "s": c.MaritalStatus.SINGLE,
           "married": c.MaritalStatus.MARRIED, "m": c.MaritalStatus.MARRIED,
           "divorced": c.MaritalStatus.DIVORCED, "d": c.MaritalStatus.DIVORCED,
           "widowed": c.MaritalStatus.WIDOWED, "w": c.MaritalStatus.WIDOWED,
           **{v: v for v in c.MaritalStatus.values}}  # fmt: skip
SEXES = {"male": c.Sex.MALE, "m": c.Sex.MALE, "l": c.Sex.MALE,
         "female": c.Sex.FEMALE, "f": c.Sex.FEMALE, "p": c.Sex.FEMALE}  # fmt: skip


class Rejected(Exception):
    """A search request that cannot be answered: the standard's reason code and words."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Found:
    entity: str  # "Group" or "Member"
    rows: list
    total: int


def _entity(criteria: dict) -> str:
    named = str(criteria.get("response_entity") or "Group").strip().lower()
    if named in GROUPS:
        return "Group"
    if named in MEMBERS:
        return "Member"
    raise Rejected("rjct.search_criteria.invalid", f"response_entity {named!r}: Group atau Member")


def _desil_path(entity: str) -> str:
    return "pk" if entity == "Group" else "family_id"


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Rejected("rjct.filter.invalid", f"{value!r} bukan angka") from None


def _condition(entity: str, attribute: str, operator: str, value) -> Q:
    """One attribute, operator and value as a filter on families or persons."""
    name = str(attribute).strip().lower().removeprefix("demographic_info.person.")
    op = str(operator).strip().lower().lstrip("$")
    if op not in OPERATORS:
        raise Rejected("rjct.filter.invalid", f"operator {operator!r} tidak dikenal")
    suffix, negate = OPERATORS[op], op == "ne"
    if name in ("poverty_score", "desil"):
        results = current_results()
        if op == "in":
            results = results.filter(desil__in=[int(_number(v)) for v in _listed(value)])
        else:
            results = results.filter(**{f"desil{suffix}": _number(value)})
        q = Q(**{f"{_desil_path(entity)}__in": results.values("family_id")})
    elif name in NIK_TYPES:
        field = "members__nik" if entity == "Group" else "nik"
        q = Q(
            **{field + ("__in" if op == "in" else ""): _listed(value) if op == "in" else str(value)}
        )
    elif name in KK_TYPES:
        field = "kk_number" if entity == "Group" else "family__kk_number"
        q = Q(**{field: str(value)})
    elif name in ("group_size", "household_size") and entity == "Group":
        q = Q(**{f"size{suffix}": _number(value)})
    elif name in ("location", "administrative_area", "region", "kode_wilayah"):
        field = "village__code" if entity == "Group" else "family__village__code"
        q = Q(**{f"{field}__within": str(value)})
    elif name in ("sex", "gender") and entity == "Member":
        sex = SEXES.get(str(value).strip().lower())
        if sex is None:
            raise Rejected("rjct.filter.invalid", f"sex {value!r}: male atau female")
        q = Q(sex=sex)
    elif name == "age" and entity == "Member":
        q = _age(op, _number(value))
    elif name == "marital_status" and entity == "Member":
        status = MARITAL.get(str(value).strip().lower())
        if status is None:
            raise Rejected("rjct.filter.invalid", f"marital_status {value!r} tidak dikenal")
        q = Q(marital_status=status)
    else:
        raise Rejected(
            "rjct.search_criteria.invalid",
            f"atribut {attribute!r} tidak dikenal untuk {entity}",
        )
    return ~q if negate else q


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def _age(op: str, years: float) -> Q:
    """Age in whole years, as a range of birth dates."""
    today = timezone.localdate()

    def born_before(n: float) -> dt.date:  # those born before this are older than n years
        return today.replace(year=today.year - int(n))

    if op == "eq":
        return Q(birth_date__lte=born_before(years), birth_date__gt=born_before(years + 1))
    if op == "lt":
        return Q(birth_date__gt=born_before(years))
    if op == "lte":
        return Q(birth_date__gt=born_before(years + 1))
    if op == "gt":
        return Q(birth_date__lte=born_before(years + 1))
    if op in ("gte", "ge"):
        return Q(birth_date__lte=born_before(years))
    raise Rejected("rjct.filter.invalid", f"umur tidak dapat dibandingkan dengan {op!r}")


def _mongo(entity: str, document) -> Q:
    """``{"$and": [{"poverty_score": {"$lt": 5}}, …]}`` (and ``$or``) as a filter."""
    if not isinstance(document, dict) or not document:
        raise Rejected("rjct.search_criteria.invalid", "expression.query harus objek")
    q = Q()
    for key, value in document.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise Rejected("rjct.search_criteria.invalid", f"{key} harus daftar")
            parts = [_mongo(entity, part) for part in value]
            joined = parts[0]
            for part in parts[1:]:
                joined = joined & part if key == "$and" else joined | part
            q &= joined
        elif isinstance(value, dict):
            for operator, operand in value.items():
                q &= _condition(entity, key, operator, operand)
        else:
            q &= _condition(entity, key, "eq", value)
    return q


def _predicates(entity: str, items) -> Q:
    """``[{"expression1": {attribute_name, operator, attribute_value}, "condition": "and",
    "expression2": …}, …]``: each item's expressions joined by its condition; items AND."""
    if not isinstance(items, list) or not items:
        raise Rejected("rjct.search_criteria.invalid", "query harus daftar predikat")
    q = Q()
    for item in items:
        if not isinstance(item, dict):
            raise Rejected("rjct.search_criteria.invalid", "predikat harus objek")
        expressions = [
            item[key] for key in sorted(item) if key.startswith("expression") and item[key]
        ]
        if not expressions:
            raise Rejected("rjct.search_criteria.invalid", "predikat tanpa expression1")
        parts = []
        for expression in expressions:
            if not isinstance(expression, dict) or "attribute_name" not in expression:
                raise Rejected("rjct.search_criteria.invalid", "expression tanpa attribute_name")
            parts.append(
                _condition(
                    entity,
                    expression["attribute_name"],
                    expression.get("operator", "eq"),
                    expression.get("attribute_value"),
                )
            )
        joined = parts[0]
        for part in parts[1:]:
            joined = joined | part if str(item.get("condition")).lower() == "or" else joined & part
        q &= joined
    return q


def _query(entity: str, criteria: dict) -> Q:
    kind, query = criteria.get("query_type"), criteria.get("query")
    if kind == "idtype-value":
        if not isinstance(query, dict) or not query.get("value"):
            raise Rejected("rjct.search_criteria.invalid", "idtype-value: {type, value}")
        id_type = str(query.get("type", "")).strip().lower()
        if id_type not in NIK_TYPES | KK_TYPES:
            raise Rejected(
                "rjct.search_criteria.invalid", f"jenis identitas {id_type!r}: NIK atau KK"
            )
        return _condition(entity, id_type, "eq", str(query["value"]).strip())
    if kind == "expression" and isinstance(query, dict):
        value = query.get("value") or {}
        expression = value.get("expression") if isinstance(value, dict) else None
        if not isinstance(expression, dict):
            raise Rejected("rjct.search_criteria.invalid", "expression: value.expression.query")
        return _mongo(entity, expression.get("query"))
    if kind in ("predicate", "expression") and isinstance(query, list):
        return _predicates(entity, query)
    raise Rejected("rjct.search_criteria.invalid", f"query_type {kind!r} dengan query ini")


SORTS = {"poverty_score": "desil", "desil": "desil", "group_size": "size",
         "household_size": "size", "age": "-birth_date", "uin": "pk", "id": "pk",
         "nik": "pk"}  # fmt: skip


def _ordering(entity: str, criteria: dict) -> list[str]:
    order = []
    for item in criteria.get("sort") or []:
        name = str((item or {}).get("attribute_name", "")).lower()
        field = SORTS.get(name)
        if field is None or (field == "size" and entity != "Group"):
            raise Rejected("rjct.sort.invalid", f"tidak dapat mengurutkan menurut {name!r}")
        descending = str(item.get("sort_order", "asc")).lower() == "desc"
        if field.startswith("-"):
            field, descending = field[1:], not descending
        order.append(f"-{field}" if descending else field)
    return [*order, "pk"]


def _page(criteria: dict) -> tuple[int, int]:
    pagination = criteria.get("pagination") or {}
    try:
        size = int(pagination.get("page_size", 10))
        number = int(pagination.get("page_number", 1))
    except (TypeError, ValueError):
        raise Rejected(
            "rjct.pagination.invalid", "page_size dan page_number berupa angka"
        ) from None
    if not 1 <= size <= MOST_PAGE_SIZE or number < 1:
        raise Rejected("rjct.pagination.invalid", f"page_size 1–{MOST_PAGE_SIZE}, page_number ≥ 1")
    return size, number


def run_search(criteria, *, families, persons) -> Found:
    """One search request's criteria on the families and persons the caller may see."""
    if not isinstance(criteria, dict):
        raise Rejected("rjct.search_criteria.invalid", "search_criteria harus objek")
    entity = _entity(criteria)
    condition = _query(entity, criteria)
    ordering = _ordering(entity, criteria)
    size, number = _page(criteria)
    if entity == "Group":  # a family found through several members is one record
        rows = families.annotate(size=member_count()).filter(condition).distinct()
    else:
        rows = persons.filter(lifecycle=c.Lifecycle.ACTIVE).filter(condition)
    if "desil" in {o.lstrip("-") for o in ordering}:
        result = current_results().filter(family_id=OuterRef(_desil_path(entity)))
        rows = rows.annotate(desil=Subquery(result.values("desil")[:1]))
    total = rows.count()
    if total > MOST_RECORDS:
        raise Rejected(
            "rjct.search.too_many_records_found",
            f"{total} rekaman cocok (paling banyak {MOST_RECORDS}): persempit kriterianya",
        )
    page = list(rows.order_by(*ordering)[(number - 1) * size : number * size])
    return Found(entity, page, total)
