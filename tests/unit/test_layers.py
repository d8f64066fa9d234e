"""The package reads from the bottom up: a module imports only from its own floor or the floors below.
A new import that reaches up a floor fails here, naming the module and what it imported."""

import ast
from pathlib import Path

import ocrforge

PACKAGE = Path(ocrforge.__file__).parent

# Bottom first. A module's floor is that of its first name inside the package.
FLOORS = (
    {"results", "version", "extras"},  # the result types and the release: everyone's
    {"io"},  # images, PDFs, video frames
    {"text", "detect", "preprocess"},  # decoding, box geometry, model inputs: numpy only
    {"runtime"},  # onnxruntime sessions of the models
    {"data"},  # the synthetic engine and dataset readers
    {"models"},  # architectures (torch)
    {"eval"},
    {"train"},
    {"export"},
    {"pipeline", "api"},  # detector + recognizer + layout, output formats
    {"plates", "scan", "index", "digits"},  # the uses
    {"server"},
    {"commands", "cli", "__main__", "__init__"},
)
# Light floors that reading depends on: they must never need torch.
WITHOUT_TORCH = {"results", "version", "io", "text", "detect", "preprocess", "runtime", "pipeline", "api"}


def _floor(parts: tuple[str, ...]) -> int:
    for level, names in enumerate(FLOORS):
        if parts[0] in names:
            return level
    raise AssertionError(f"ocrforge.{'.'.join(parts)} belongs to no floor: add it to FLOORS")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        yield ".".join(parts), parts, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.AST):
    """(module, line) of every import of the package, at the top or inside a function."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ocrforge":
            names = node.module.split(".")[1:]
            yield (tuple(names) if names else tuple(a.name for a in node.names[:1])), node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ocrforge."):
                    yield tuple(alias.name.split(".")[1:]), node.lineno


def test_every_module_has_a_floor():
    for name, parts, _ in _modules():
        _floor(parts)


def _upward(modules) -> list[str]:
    found = []
    for name, parts, tree in modules:
        own = _floor(parts)
        found += [f"ocrforge/{'/'.join(parts)}.py:{line} imports ocrforge.{'.'.join(target)}"
                  for target, line in _imports(tree) if _floor(target) > own]
    return found


def test_no_import_reaches_up_a_floor():
    upward = _upward(_modules())
    assert not upward, "imports up a floor:\n" + "\n".join(upward)


def test_an_upward_import_is_found_even_inside_a_function():
    tree = ast.parse("def f():\n    from ocrforge.pipeline.results import Word\n")
    assert _upward([("io.pdf", ("io", "pdf"), tree)]) == ["ocrforge/io/pdf.py:2 imports ocrforge.pipeline.results"]
    assert _upward([("commands.read", ("commands", "read"), tree)]) == []


def test_reading_floors_do_not_import_torch():
    heavy = []
    for name, parts, tree in _modules():
        if parts[0] not in WITHOUT_TORCH:
            continue
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            heavy += [f"{name}: {n}" for n in names if n.split(".")[0] == "torch"]
    assert not heavy, heavy
