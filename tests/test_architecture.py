"""The house rules of DEVELOPERS.md that a machine can check, read from the source with ``ast``.

Rules (docs/architecture.md explains why):
1. No module uses another module's private names. A leading underscore on a *name inside a module*
   (``_scan_or_problem``, ``_Keyword``) means "only this module uses it"; importing it, or reading it as
   ``module._name``, from another module is a violation. A leading underscore on a *module or package*
   (``cardscan._files``, ``cardscan._exec``) means "internal to cardscan, not for users": any cardscan
   module may import it and its public names (``_exec`` is the documented home of the wrappers of
   external programs, DEVELOPERS.md). Dunder names (``__version__``) are public.
2. No import cycles among cardscan's modules. First the imports that run when a module is imported
   (module level, class bodies, ``try``/``if`` at module level; not ``if TYPE_CHECKING:`` blocks):
   a cycle there breaks depending on which module is imported first. Then also the imports inside
   functions: a cycle through a deferred import does not crash, but the two modules can only be
   understood and changed together (issue 16 counted three such). ``from package import name`` is an
   edge to the submodule when ``name`` is one, else to the package.
3. Importing any module has no side effects: ``os.environ`` is unchanged, no thread is started and no
   file is opened by cardscan's code (reading Python sources by the import system does not count). The
   third-party libraries cardscan imports at module level are imported first, so only cardscan's own
   effects are measured. ``cardscan.__main__`` is left out: it *is* the command.
4. ``import cardscan`` and ``cardscan --help`` (and every subcommand's ``--help``) load no heavy library.
5. No module over MAX_MODULE_LINES lines and no function over MAX_FUNCTION_LINES (issue 16): past that,
   a module does several jobs and a function several steps.

KNOWN_VIOLATIONS names what still breaks a rule in modules whose refactoring is under way (issue 16);
it only ever shrinks. Anything found that is not on it fails the test.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cardscan"
HEAVY = ("cv2", "numpy", "torch", "pandas", "onnxruntime", "spacy", "sklearn")
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 500, 80

KNOWN_VIOLATIONS: frozenset[str] = frozenset({
    "size: cardscan.detect has 865 lines",  # det: detect.py is still one module
})


# ---- reading the modules ----------------------------------------------------------------------------
def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


MODULES = all_modules()


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute module name of ``from <node.module> import …`` written in ``module``."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not MODULES[module].name == "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def all_import_nodes(body: list[ast.stmt]):
    """Every import statement, including those inside functions, except ``if TYPE_CHECKING:`` blocks."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node):
            yield from all_import_nodes(node.orelse)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    yield from all_import_nodes(block)


def import_time_nodes(body: list[ast.stmt]):
    """The import statements that run when the module is imported."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from import_time_nodes(node.body)
            yield from import_time_nodes(node.orelse)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            for block in (node.body, node.orelse, node.finalbody, *[h.body for h in node.handlers]):
                yield from import_time_nodes(block)
        elif isinstance(node, (ast.With, ast.ClassDef)):
            yield from import_time_nodes(node.body)


def targets(module: str, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
    """(cardscan module, name imported from it or None) for each cardscan target of an import."""
    out: list[tuple[str, str | None]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == "cardscan" or alias.name.startswith("cardscan."):
                out.append((alias.name, None))
        return out
    source = resolve(module, node)
    if not (source == "cardscan" or source.startswith("cardscan.")):
        return out
    for alias in node.names:
        sub = f"{source}.{alias.name}"
        out.append((sub, None) if sub in MODULES else (source, alias.name))
    return out


def private_uses() -> set[str]:
    """Rule 1: every import or attribute read of another module's private name, anywhere in a module."""
    found: set[str] = set()
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_aliases: dict[str, str] = {}  # local name → cardscan module it is bound to
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for (target, name), alias in zip(targets(module, node), node.names):
                if name is not None and is_private(name) and target != module:
                    found.add(f"private: {module} imports {target}.{name}")
                if name is None and (alias.asname or isinstance(node, ast.ImportFrom)):
                    module_aliases[alias.asname or alias.name] = target
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in module_aliases and is_private(node.attr)
                    and module_aliases[node.value.id] != module
                    and f"{module_aliases[node.value.id]}.{node.attr}" not in MODULES):
                found.add(f"private: {module} uses {module_aliases[node.value.id]}.{node.attr}")
    return found


def import_graph(deferred: bool = False) -> dict[str, set[str]]:
    """Module → the cardscan modules it imports (at import time; with ``deferred`` also inside functions)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    walk = all_import_nodes if deferred else import_time_nodes
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in walk(tree.body):
            for target, _ in targets(module, node):
                if target in MODULES and target != module:
                    graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]], kind: str = "cycle") -> set[str]:
    """Rule 2: the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[str] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.add(f"{kind}: " + " <-> ".join(sorted(component)))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def sizes() -> set[str]:
    """Rule 5: modules and functions (methods too) longer than the limits, with their length."""
    found: set[str] = set()
    for module, path in MODULES.items():
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MAX_MODULE_LINES:
            found.add(f"size: {module} has {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.add(f"size: {module}.{node.name} has {length} lines")
    return found


# ---- importing the modules --------------------------------------------------------------------------
def third_party_imports() -> list[str]:
    names: set[str] = set()
    for module, path in MODULES.items():
        for node in import_time_nodes(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif not node.level and node.module:
                names.add(node.module)
    return sorted(n for n in names if n.split(".")[0] not in ("cardscan", "__future__"))


SIDE_EFFECTS = r"""
import importlib, json, os, sys, threading
package, modules, preload = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
for name in preload:  # third-party libraries first: only cardscan's own effects are measured
    try:
        importlib.import_module(name)
    except ImportError:
        pass
package = os.path.join(package, "")
current = [None]
opened = []
def hook(event, args):
    if event != "open" or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.fsdecode(args[0])
    if path.endswith((".py", ".pyc", ".so", ".pth")) or os.path.isdir(path):
        return  # the import system reading modules
    frame = sys._getframe(1)
    while frame is not None:  # the innermost frame that is not the standard library decides
        file = frame.f_code.co_filename
        if file.startswith(package):
            opened.append(f"{current[0]} opens {path}")
            return
        if not (file.startswith("<") or file.startswith(sys.base_prefix) or file.startswith(sys.prefix)) \
                or "site-packages" in file:
            return
        frame = frame.f_back
sys.addaudithook(hook)
found = []
for name in modules:
    current[0] = name
    env, threads = dict(os.environ), set(threading.enumerate())
    importlib.import_module(name)
    changed = sorted(k for k in set(env) | set(os.environ) if env.get(k) != os.environ.get(k))
    if changed:
        found.append(f"side effect: importing {name} changes os.environ {', '.join(changed)}")
    started = set(threading.enumerate()) - threads
    if started:
        found.append(f"side effect: importing {name} starts threads {sorted(t.name for t in started)}")
found += [f"side effect: {o}" for o in opened]
print(json.dumps(found))
"""


def side_effects(root: Path = ROOT, package: Path = PACKAGE, modules: list[str] | None = None,
                 preload: list[str] | None = None) -> set[str]:
    if modules is None:
        modules = [m for m in MODULES if m != "cardscan.__main__"]
    env = {k: v for k, v in __import__("os").environ.items() if k != "OMP_WAIT_POLICY"}
    env["PYTHONPATH"] = str(root)
    proc = subprocess.run([sys.executable, "-c", SIDE_EFFECTS, str(package), json.dumps(modules),
                           json.dumps(third_party_imports() if preload is None else preload)],
                          capture_output=True, text=True, timeout=600, cwd=root, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


HEAVY_IMPORTS = r"""
import json, sys
import cardscan, cardscan.cli
found = {"import cardscan": [m for m in sys.argv[1:] if m in sys.modules]}
commands = [None] + sorted(cardscan.cli.build_parser()._subparsers._group_actions[0].choices)
for command in commands:
    try:
        cardscan.cli.main(["--help"] if command is None else [command, "--help"])
    except SystemExit:
        pass
    found["cardscan " + (command + " " if command else "") + "--help"] = [m for m in sys.argv[1:] if m in sys.modules]
print(json.dumps(found))
"""


def heavy_imports() -> set[str]:
    proc = subprocess.run([sys.executable, "-c", HEAVY_IMPORTS, *HEAVY], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return {f"heavy: {what} imports {module}" for what, modules in report.items() for module in modules}


# ---- the tests ----------------------------------------------------------------------------------------
def _check(found: set[str], kind: str) -> None:
    known = {v for v in KNOWN_VIOLATIONS if v.startswith(kind)}
    new = sorted(found - known)
    assert not new, "new violations of the house rules (see this file's docstring):\n" + "\n".join(new)


def test_the_checks_see_what_they_check():
    """The walkers find real imports: a broken walker would pass every rule."""
    graph = import_graph()
    assert "cardscan.exceptions" in graph["cardscan.cli"]
    assert "cardscan.themes.catalogue" in graph["cardscan.themes.model"]
    assert "cardscan.api" not in graph["cardscan.cli"] and "cardscan.api" in import_graph(deferred=True)["cardscan.cli"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {"cycle: a <-> b <-> c"}
    assert is_private("_WORD") and not is_private("__version__") and not is_private("WORD")
    assert len(MODULES) > 20 and "cardscan.__main__" in MODULES


def test_the_side_effect_check_sees_environment_files_and_threads(tmp_path):
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "__init__.py").write_text("")
    (probe / "noisy.py").write_text(
        "import os, threading\n"
        "os.environ['CARDSCAN_PROBE'] = '1'\n"
        "open(os.path.join(os.path.dirname(__file__), '__init__.py.bak'), 'w').close()\n"
        "threading.Thread(target=threading.Event().wait, name='probe', daemon=True).start()\n")
    (probe / "quiet.py").write_text("import os\nHOME = os.environ.get('HOME')\n")
    found = side_effects(tmp_path, probe, ["probe.quiet", "probe.noisy"], [])
    assert found == {"side effect: importing probe.noisy changes os.environ CARDSCAN_PROBE",
                     "side effect: importing probe.noisy starts threads ['probe']",
                     f"side effect: probe.noisy opens {probe / '__init__.py.bak'}"}, found


def test_no_module_uses_another_modules_private_names():
    _check(private_uses(), "private")


def test_no_import_cycles():
    _check(cycles(import_graph()), "cycle:")


def test_no_import_cycles_through_imports_inside_functions():
    import_time = cycles(import_graph())
    _check(cycles(import_graph(deferred=True), "cycle (deferred)") - {c.replace("cycle:", "cycle (deferred):")
                                                                      for c in import_time}, "cycle (deferred)")


def test_importing_a_module_has_no_side_effects():
    _check(side_effects(), "side effect")


def test_no_module_or_function_is_too_long():
    """Compared by name: a listed module that grows or shrinks stays listed until it is under the limit."""
    known = {v.rsplit(" has ", 1)[0] for v in KNOWN_VIOLATIONS if v.startswith("size")}
    new = sorted(v for v in sizes() if v.rsplit(" has ", 1)[0] not in known)
    assert not new, "too long (split by job, see docs/architecture.md):\n" + "\n".join(new)


def test_import_cardscan_and_help_load_no_heavy_library():
    _check(heavy_imports(), "heavy")

