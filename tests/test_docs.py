"""Every repository path the README and the docs name exists, so they cannot drift silently.

A path is a Markdown link's target (relative to the document), a `code span` that looks like
a path (a `/` or a file extension; relative to the repository, or to `calendar_app/` as the
docs name the app's modules), or a name in the layout drawn in docs/ARCHITECTURE.md.
Outputs the project writes and ignores (.gitignore) count as named, not as missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "docs/ARCHITECTURE.md", "docs/weekly-loop.md"]
# Code spans with a slash that are no path of this repository: other projects' files the
# architecture cites as models, and prose.
NOT_PATHS = {"package/scores.py", "events/importer.py", "EU/UK"}

_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")
_CODE = re.compile(r"`([^`\s]+)`")
_LOOKS_LIKE_PATH = re.compile(r"^[\w.*-]+(?:/[\w.*-]*)*$")
_FILE = re.compile(r"\.(py|md|toml|txt|ics|json|html|css|js|sh|cfg|conf|service|timer)$")


def generated() -> set[str]:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip().endswith("/")}


def exists(name: str, *, bases: tuple[Path, ...]) -> bool:
    for base in bases:
        if any(ch in name for ch in "*?"):
            if any(base.glob(name)):
                return True
        elif (base / name).exists():
            return True
    return False


def code_paths(text: str) -> set[str]:
    names = set()
    for name in _CODE.findall(text):
        if "://" in name or name.startswith(("/", ".", "-", "$", "~")) or name in NOT_PATHS:
            continue
        if not _LOOKS_LIKE_PATH.match(name) or name.startswith("*"):
            continue  # `*.md`: a pattern of files, not one
        if "/" in name or _FILE.search(name):
            names.add(name)
    return names


def layout_paths(text: str) -> set[str]:
    """The tree under ARCHITECTURE's "## Layout": names at the start of each line, nested
    by indentation (`calendar_app/` then `  twir/` is calendar_app/twir/)."""
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    names: set[str] = set()
    parents: list[tuple[int, str]] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        parents = [(i, p) for i, p in parents if i < indent]
        prefix = "".join(p for _, p in parents)
        for token in re.split(r"\s{2,}", line.strip()):
            if not re.fullmatch(r"[\w.-]+(?:/[\w.-]+)*/?", token) or not (
                token.endswith("/") or "." in token
            ):
                break  # the description begins
            names.add(prefix + token)
            if token.endswith("/"):
                parents.append((indent, token))
    return names


def test_the_readers_of_paths_find_paths():
    """The checks below would pass on nothing: they must find the paths the docs do name."""
    architecture = (ROOT / "docs/ARCHITECTURE.md").read_text(encoding="utf-8")
    assert {"calendar_app/twir/", "calendar_app/models/", "manage.py"} <= layout_paths(architecture)
    assert "calendar_app/services/ingest/" in code_paths(architecture)
    assert not exists("calendar_app/no_such_module.py", bases=(ROOT,))


@pytest.mark.parametrize("doc", DOCS)
def test_every_path_a_document_names_exists(doc):
    path = ROOT / doc
    text = path.read_text(encoding="utf-8")
    ignored = generated()
    missing = []
    for target in _LINK.findall(text):
        if target.startswith(("http:", "https:", "mailto:")):
            continue
        if not (path.parent / target).exists():
            missing.append(f"link {target}")
    for name in code_paths(text):
        made_by_a_run = any(name.startswith(folder) for folder in ignored)  # e.g. test-artifacts/
        if not made_by_a_run and not exists(name, bases=(ROOT, ROOT / "calendar_app")):
            missing.append(f"`{name}`")
    if doc == "docs/ARCHITECTURE.md":
        missing += [
            f"layout {n}" for n in sorted(layout_paths(text)) if not exists(n, bases=(ROOT,))
        ]
    assert not missing, f"{doc} names what is not in the repository: {sorted(missing)}"


def test_the_weekly_loop_is_linked_from_the_readme_and_the_architecture():
    """docs/weekly-loop.md (the loop walked before and after) is found from both."""
    for doc, target in (
        ("README.md", "docs/weekly-loop.md"),
        ("docs/ARCHITECTURE.md", "weekly-loop.md"),
    ):
        assert target in _LINK.findall((ROOT / doc).read_text(encoding="utf-8")), doc
