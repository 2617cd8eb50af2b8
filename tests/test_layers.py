"""The import graph keeps the one-way flow of data (docs/ARCHITECTURE.md):

readers (twir, calendars: pure Python) -> matching (ingest/match.py: values in, values out)
-> writers (services) -> models -> selectors -> views, feeds, API; the admin on top.

Read from the source with `ast`, without importing anything: every `import` counts,
those inside functions and under `if TYPE_CHECKING:` too, since a function-level import
is exactly how a cycle hides. (import-linter could state the forbidden imports as
contracts, but neither finds a cycle hidden in a function nor says "nothing but the
readers and pure libraries" without a list of every other module; 90 lines of `ast` do.)

Shown to fail: with the commit that broke the ingest <-> merge cycle reverted locally
(merge importing ingest.run inside unmerge_meetup), the run says

    FAILED tests/test_layers.py::test_no_import_cycles
    E   AssertionError: modules that import each other:
    E     calendar_app.services.groups, calendar_app.services.ingest.calendar_snapshot,
    E     calendar_app.services.ingest.run, calendar_app.services.ingest.snapshot,
    E     calendar_app.services.ingest.write, calendar_app.services.merge

and with twir/head.py's reverted (grammars importing the eras at its bottom), the same for
grammars and the eras.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = "calendar_app"

READERS = ("calendar_app.twir", "calendar_app.calendars")
# Pure modules outside the readers that the readers may use: the control-character rule,
# the offline geocoder (calendar places), the words that say online and the window lengths.
# Each is held to the readers' rule itself.
PURE = (
    "calendar_app.text",
    "calendar_app.geocoding",
    "calendar_app.online",
    "calendar_app.windows",
)
MATCHING = "calendar_app.matching.match"
# Known debt, listed so that nothing else joins it: matching reads FlagKind from rules.py,
# whose choices are Django TextChoices (issue 21: one vocabulary for both readers).
MATCHING_DJANGO_VIA = {"calendar_app.rules"}
RENDERERS = (
    "calendar_app.rendering.ical",
    "calendar_app.rendering.feed_cache",
    "calendar_app.rendering.export_json",
    "calendar_app.rendering.export_twir",
    "calendar_app.rendering.plain_text",
)
ADMIN = ("calendar_app.admin", "calendar_app.admin.sources")
SERVING = (*ADMIN, "calendar_app.web.views", "calendar_app.web.feeds", "calendar_app.web.urls")
MODELS = "calendar_app.models"


@cache
def modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the app (migrations aside): dotted name -> (file, is a package)."""
    found = {}
    for path in sorted((ROOT / APP).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if "migrations" in parts:
            continue
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


@cache
def imports() -> dict[str, frozenset[str]]:
    """Module -> every name it imports anywhere in its file (absolute, dotted)."""
    graph = {}
    for name, (path, package) in modules().items():
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative (the house bans them, ruff TID252; still read)
                    parent = name.split(".")[: len(name.split(".")) - node.level + package]
                    base = ".".join([*parent, base] if base else parent)
                for alias in node.names:  # `from package import module` imports the module
                    sub = f"{base}.{alias.name}"
                    names.add(sub if sub in modules() else base)
        graph[name] = frozenset(names)
    return graph


def internal(name: str) -> str | None:
    """The app's module an imported name lives in (None outside the app)."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


@cache
def edges() -> dict[str, frozenset[str]]:
    return {
        name: frozenset(m for n in names if (m := internal(n)) and m != name)
        for name, names in imports().items()
    }


def reach(start: str) -> set[str]:
    """The app's modules `start` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for other in edges()[todo.pop()]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def imports_django(name: str) -> bool:
    return any(n == "django" or n.startswith("django.") for n in imports()[name])


def cycles() -> list[list[str]]:
    """Groups of modules that import each other, directly or through others."""
    reached = {name: reach(name) for name in edges()}
    groups = {
        tuple(sorted({name} | {m for m in reached[name] if name in reached[m]}))
        for name in reached
        if name in reached[name]
    }
    return [list(group) for group in sorted(groups)]


def test_the_graph_is_read():
    """The rules below would pass on an empty graph: make sure it is the app's."""
    assert len(modules()) > 100
    assert "calendar_app.twir.head" in edges()["calendar_app.twir.grammars"]
    assert "calendar_app.services.ingest.run" in edges()["calendar_app.services.merge"]


def test_no_import_cycles():
    found = cycles()
    assert not found, "modules that import each other:\n" + "\n".join(", ".join(c) for c in found)


@pytest.mark.parametrize(
    "module", [m for m in sorted(modules()) if under(m, READERS + PURE)] or ["none"]
)
def test_readers_are_pure(module):
    """A reader imports other readers, the pure modules, the standard library and pure
    libraries: never Django nor any other part of the app (directly or through another)."""
    assert not imports_django(module)
    outside = sorted(m for m in reach(module) if not under(m, READERS + PURE))
    assert not outside, f"{module} reaches {outside}"


def test_matching_imports_no_django_and_no_models():
    assert not imports_django(MATCHING)
    reached = reach(MATCHING)
    assert MODELS not in reached
    # no writer: of the services only the pure choice of a merge's survivor
    assert {m for m in reached if under(m, ("calendar_app.services",))} <= {
        "calendar_app.matching.survivor"
    }
    via_django = sorted(m for m in reached if imports_django(m))
    assert set(via_django) <= MATCHING_DJANGO_VIA, via_django


@pytest.mark.parametrize("renderer", RENDERERS)
def test_renderers_do_not_import_the_admin_or_views(renderer):
    assert renderer in modules()
    served = sorted(m for m in reach(renderer) | {renderer} if under(m, SERVING))
    assert not served, f"{renderer} reaches {served}"


def test_models_do_not_import_views_or_admin():
    assert not [m for m in reach(MODELS) if under(m, SERVING)]
    assert not [m for m in reach(MODELS) if under(m, ("calendar_app.services",))]
