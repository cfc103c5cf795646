"""One folder is one provider (../shared/DESIGN.md): no module outside ``app/providers/<key>/``
names a concrete provider — in an identifier, an attribute, an import or a string (prose in
docstrings aside). What a provider is, it declares in its folder; everything else reads the
registry."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from app.providers import provider_keys

APP = Path(__file__).resolve().parent.parent / "app"


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of docstring nodes: prose may name a provider as an example."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                ids.add(id(value))
    return ids


def _words(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    prose = _docstrings(tree)
    for node in ast.walk(tree):
        if id(node) in prose:
            continue
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.alias):
            found.add(node.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
    return found


def _naming_modules() -> set[str]:
    keys = provider_keys()
    pattern = re.compile("|".join(re.escape(k) for k in keys), re.IGNORECASE)
    own = {f"providers/{k}" for k in keys}
    naming = set()
    for path in APP.rglob("*.py"):
        relative = path.relative_to(APP).as_posix()
        if any(relative.startswith(folder + "/") for folder in own):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(pattern.search(word) for word in _words(tree)):
            naming.add(relative)
    return naming


def test_no_module_outside_a_providers_folder_names_one() -> None:
    assert _naming_modules() == set(), "name no provider outside its folder"
