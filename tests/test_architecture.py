"""The shape DESIGN.md asks for, checked on the code itself so that it stays true:

- every write lives in a service (``services.py``, or a ``services`` package), and nowhere
  else but migrations, the ground's write primitives and the demo's own services use;
- every public service that writes takes a keyword-only ``actor`` and writes its change-log
  row (after Zulip's test that every action writes its audit-log row);
- model relations run down the layers, as imports do (import-linter sees imports only, not
  a foreign key named by a string).
"""

import ast
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PADU = ROOT / "padu"

#: Calls that write, by method name (on a model, a queryset or a manager).
ORM_WRITES = {
    "save",
    "delete",
    "create",
    "update",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
#: Of those, the names that other things share (a dict's update, a list's …): they count
#: only on what is plainly a queryset or a manager.
AMBIGUOUS = {"update", "create", "delete"}
QUERYSET_HINTS = {"objects", "_default_manager", "filter", "exclude", "all", "select_for_update"}
#: The ground's write primitives: calling them is writing.
WRITE_HELPERS = {"bulk_insert", "bulk_load", "write_progress"}
#: What writes a change-log row (or, for reads of personal data, the access log).
LOGGERS = {
    "record_change",
    "record_bulk_change",
    "record_related_change",
    "save_with_history",
    "delete_with_history",
    "log_access",
}
#: Modules outside services that may write, and why.
WRITERS_OUTSIDE_SERVICES = {
    "core/history.py": "the change log itself",
    "core/bulk.py": "the bulk I/O primitives (COPY, multi-row INSERT) that services call",
    "core/progress.py": "a background run's progress counter, written as it goes",
}
#: Public services that carry out a queued run: their actor is the person who queued it
#: (the run's ``started_by`` or the batch's ``imported_by``), not an argument.
RUN_EXECUTORS = {
    "matching.services.runs.execute_run",
    "sources.services.batches.run_batch",
    "welfare.services.execute_classification",
    "releases.services.execute_build",
    "programs.services.runs.execute_program_run",
}
#: Public services that write without a change-log row, and why.
UNLOGGED_SERVICES = {
    "accounts.services.log_access": "it writes the access log, the other half of history",
    "accounts.services.log_shown": "it writes the access log for a page of records",
    "accounts.services.note_token_use": "a token's last-used time: a reading, not a change",
    "core.services.save_with_history": "it is the change log's own writer for the admin",
    "core.services.delete_with_history": "it is the change log's own writer for the admin",
    "core.services.record_related_change": "it is the change log's own writer for the admin",
}


def _is_services(path: Path) -> bool:
    return path.name == "services.py" or "services" in path.parts[:-1]


def _modules(predicate):
    for path in sorted(PADU.rglob("*.py")):
        relative = path.relative_to(PADU)
        if "migrations" in relative.parts or not predicate(relative):
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _writes_in(node: ast.AST) -> list[str]:
    """The ORM writes and write helpers called directly inside ``node``."""
    found = []
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        function = call.func
        if isinstance(function, ast.Attribute) and function.attr in ORM_WRITES:
            receiver = function.value
            if function.attr == "save" and call.args:
                continue  # a model's save takes keywords only; this is a file's or an image's
            if function.attr in AMBIGUOUS:
                hints = {a.attr for a in ast.walk(receiver) if isinstance(a, ast.Attribute)}
                if not hints & QUERYSET_HINTS:
                    continue
            found.append(f"line {call.lineno}: {ast.unparse(function)[:70]}(…)")
        elif _called_name(call) in WRITE_HELPERS:
            found.append(f"line {call.lineno}: {_called_name(call)}(…)")
    return found


def _called_name(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return ""


def test_orm_writes_live_in_services():
    def outside_services(relative: Path) -> bool:
        allowed = str(relative) in WRITERS_OUTSIDE_SERVICES
        return not _is_services(relative) and not allowed

    offenders = [
        f"padu/{relative} {write}"
        for relative, tree in _modules(outside_services)
        for write in _writes_in(tree)
    ]
    assert not offenders, "Writes outside services (move them into a service):\n" + "\n".join(
        offenders
    )


@dataclass
class _Function:
    name: str
    node: ast.FunctionDef
    calls: set[str] = field(default_factory=set)
    writes: bool = False
    logs: bool = False


def _service_functions(relative: Path, tree: ast.Module) -> dict[str, _Function]:
    """Top-level functions of a services module, with whether each writes and logs, following
    calls within the module. A call to another module's public service counts as logged: that
    service is held to the same rule."""
    in_package = "services" in relative.parts[:-1]
    imported_services = set()
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        sibling = in_package and node.level == 1  # another part of the same services package
        if sibling or (node.module and "services" in node.module.split(".")):
            imported_services |= {alias.asname or alias.name for alias in node.names}
    functions = {
        node.name: _Function(node.name, node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }
    for function in functions.values():
        function.writes = bool(_writes_in(function.node))
        for call in ast.walk(function.node):
            if not isinstance(call, ast.Call):
                continue
            name = _called_name(call)
            function.calls.add(name)
            via_module = isinstance(call.func, ast.Attribute) and isinstance(
                call.func.value, ast.Name
            )
            if name in LOGGERS or (
                not name.startswith("_")
                and (
                    name in imported_services
                    or (via_module and call.func.value.id in imported_services)
                )
            ):
                function.logs = True
    changed = True
    while changed:
        changed = False
        for function in functions.values():
            for callee in function.calls & functions.keys():
                inner = functions[callee]
                if inner.writes and not function.writes:
                    function.writes = changed = True
                if inner.logs and not function.logs:
                    function.logs = changed = True
    return functions


def _takes_actor(node: ast.FunctionDef) -> bool:
    return any(arg.arg == "actor" for arg in node.args.kwonlyargs)


def test_every_public_service_that_writes_takes_its_actor_and_logs_the_change():
    problems = []
    checked = 0
    for relative, tree in _modules(_is_services):
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        for function in _service_functions(relative, tree).values():
            if function.name.startswith("_") or not function.writes:
                continue
            checked += 1
            qualified = f"{module}.{function.name}"
            if qualified in UNLOGGED_SERVICES:
                continue
            if not _takes_actor(function.node) and qualified not in RUN_EXECUTORS:
                problems.append(f"padu.{qualified}: no keyword-only actor")
            if not function.logs:
                problems.append(f"padu.{qualified}: writes without a change-log row")
    assert checked > 30, checked  # the scan found the services at all
    assert not problems, "\n".join(problems)


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return [layer.removeprefix("padu.") for layer in contract["layers"]][::-1]  # lowest first


@pytest.mark.parametrize(
    "model", [m for m in apps.get_models() if m.__module__.startswith("padu.")]
)
def test_model_relations_point_down_the_layers(model):
    order = {app: rank for rank, app in enumerate(_layers())}
    own = model.__module__.split(".")[1]
    for relation in model._meta.get_fields():
        if not (relation.is_relation and relation.concrete and relation.related_model):
            continue
        if getattr(relation, "swappable_setting", None) == "AUTH_USER_MODEL":
            continue  # who did it: every layer may name a user (Django's swappable model)
        target = relation.related_model.__module__
        if not target.startswith("padu."):
            continue
        other = target.split(".")[1]
        assert order[other] <= order[own], (
            f"{model._meta.label}.{relation.name} points up, at {relation.related_model._meta.label}"
        )


def _declared(requirement: str) -> str:
    name = requirement.split(";")[0]
    for mark in "[<>=!~ ":
        name = name.split(mark)[0]
    return name.strip().lower().replace("_", "-")


def test_every_package_padu_imports_is_one_it_declares():
    """An installation has only what pyproject.toml asks for: a package that came with a
    test tool (jellyfish, with recordlinkage) works on a developer's machine and fails in
    production."""
    import importlib.metadata
    import sys

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_declared(r) for r in project["dependencies"]}
    declared |= {_declared(r) for r in project["optional-dependencies"]["spark"]}
    declared.add("pyspark")  # splink[spark]'s engine, imported only by padu.matching.spark
    providers = importlib.metadata.packages_distributions()
    undeclared = {}
    for path in PADU.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "padu":
                    continue
                distributions = {_declared(d) for d in providers.get(top, [top])}
                if not distributions & declared:
                    undeclared.setdefault(top, str(path.relative_to(ROOT)))
    assert not undeclared, f"imported but not in pyproject.toml's dependencies: {undeclared}"
