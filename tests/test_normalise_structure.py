"""The normalise package keeps its shape: small modules, no private cross-module imports, no cycles."""
import ast
from pathlib import Path

import cardscan

ROOT = Path(cardscan.__file__).parent
MODULES = [*sorted((ROOT / "normalise").glob("*.py")), ROOT / "lexicon.py", ROOT / "dictionary.py", ROOT / "wordlists.py"]


def _name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.module, [a.name for a in node.names]) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cardscan")]


def test_no_private_names_are_imported_across_modules():
    bad = [(_name(p), mod, n) for p in MODULES for mod, names in _imports(p) for n in names
           if n.startswith("_") and mod != _name(p)]
    assert bad == []


def test_no_import_cycles_and_small_modules():
    graph = {_name(p): {mod for mod, _ in _imports(p)} for p in MODULES}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == target or (nxt not in seen and reaches(nxt, target, seen | {nxt})):
                return True
        return False

    assert [m for m in graph if m != "cardscan.normalise" and reaches(m, m, {m})] == []
    assert "cardscan.normalise" not in graph["cardscan.lexicon"]
    assert [p.name for p in MODULES if len(p.read_text(encoding="utf-8").splitlines()) > 500] == []
