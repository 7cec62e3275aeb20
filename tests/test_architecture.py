"""The dependency rules of ARCHITECTURE.md, enforced: import only from lower layers,
never sideways; entrypoints never import a repository."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "kefu"

LAYERS: dict[str, int] = {
    "core": 0, "settings": 0, "schema": 0, "migrate": 0,
    "customers": 1, "agents": 1, "knowledge": 1, "nlp": 1, "identity": 1,
    "channels": 2,
    "tickets": 3,
    "sla": 4, "routing": 4,
    "quality": 5, "feedback": 5, "outreach": 5, "robot": 5,
    "analytics": 6, "workforce": 6,
    "api": 7, "web": 7, "worker": 7, "cli": 7, "app": 7, "wiring": 7, "demo": 7,
}
ENTRYPOINTS = {"api", "web", "worker", "cli", "app", "demo"}
# schema.py only imports every models module to assemble the metadata for Alembic.
METADATA_ASSEMBLY = {"schema"}


def _module_of(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name == "kefu" or name.startswith("kefu.")]


def test_every_top_level_module_has_a_layer():
    unknown = sorted(
        {_module_of(p) for p in SRC.rglob("*.py")} - set(LAYERS) - {"__init__"}
    )
    assert not unknown, f"add these to LAYERS in test_architecture.py: {unknown}"


def test_imports_go_down_never_sideways():
    violations = []
    for path in SRC.rglob("*.py"):
        source = _module_of(path)
        if source in ("__init__",) or source in METADATA_ASSEMBLY:
            continue
        for line, name in _imports(path):
            parts = name.split(".")
            if len(parts) < 2:
                continue
            target = parts[1]
            if target == source or target not in LAYERS:
                continue
            if source in ENTRYPOINTS and target in ENTRYPOINTS:
                continue  # entrypoints may share plumbing (e.g. app imports api and web)
            if LAYERS[target] >= LAYERS[source]:
                violations.append(f"{path.relative_to(SRC)}:{line} {source} → {name}")
    assert not violations, "imports sideways or upwards:\n" + "\n".join(violations)


def test_entrypoints_never_import_repositories():
    violations = []
    for path in SRC.rglob("*.py"):
        if _module_of(path) not in ENTRYPOINTS:
            continue
        for line, name in _imports(path):
            if name.endswith(".repository"):
                violations.append(f"{path.relative_to(SRC)}:{line} imports {name}")
    assert not violations, "\n".join(violations)
