"""The harness's shape: no import cycle between its modules (lazy imports inside functions count
too: a cycle hidden in a function is still a cycle), no module reaching into another's private
names, the reference never importing TensorFlow or the harness, and files a reader can hold in mind."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("harness", "reference")


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _resolve(name: str, mods: dict) -> str | None:
    """The module a dotted import name lands in (a name imported from a package may be a module)."""
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name or None


def imports(path: Path, module: str, mods: dict):
    """(imported module, names taken from it, line) for every import of a project module."""
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name, mods)
                if target:
                    yield target, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in mods:
                    yield sub, [], node.lineno
                elif _resolve(base, mods):
                    yield _resolve(base, mods), [alias.name], node.lineno


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {m: {t for t, _, _ in imports(p, m, mods) if t != m} for m, p in mods.items()}


def test_no_import_cycle():
    edges = graph()
    state, stack, cycles = {}, [], []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == "open":
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = "done"
    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_no_private_name_crosses_a_module():
    mods = modules()
    bad = []
    for module, path in mods.items():
        tree = ast.parse(path.read_text())
        aliases = {}
        for target, names, line in imports(path, module, mods):
            bad += [f"{path.relative_to(ROOT)}:{line}: imports {target}.{n}" for n in names
                    if n.startswith("_") and not n.startswith("__") and target != module]
        for node in ast.walk(tree):      # module._name through an imported module
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id in aliases):
                target = _resolve(aliases[node.value.id], mods)
                if target and target != module:
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: uses {target}.{node.attr}")
    assert not bad, "\n".join(bad)


def test_the_reference_imports_neither_tensorflow_nor_the_harness():
    for path in (ROOT / "reference").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.split(".")[0] in ("tensorflow", "harness")], path


def test_only_the_worker_imports_tensorflow():
    """(run/snippet.py writes `import tensorflow` into the scripts it makes; it imports nothing.)"""
    for path in (ROOT / "harness").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] == "tensorflow" for n in names):
                assert path.relative_to(ROOT).as_posix() == "harness/run/worker.py", path
