"""The shape of the code: domains import each other in one direction, views at the top.

Read from the source, not by importing it: a circle held together by an import inside a
function, or one under `if TYPE_CHECKING:`, is still a circle.
"""

import ast
import functools
from pathlib import Path

import learning

PACKAGE = Path(learning.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def _parsed() -> tuple[tuple[str, ast.Module], ...]:
    # Parsed once per process: a dozen tests read the same source, and parsing it all
    # cost each of them about half a second.
    return tuple((_module_name(path), ast.parse(path.read_text(), str(path)))
                 for path in sorted(PACKAGE.rglob("*.py")))


def _sources() -> dict[str, ast.Module]:
    """Each module's syntax tree, by module name (the trees are shared: read, never change)."""
    return dict(_parsed())


def _imports(tree: ast.Module, known: set[str]) -> set[str]:
    """The application's modules a module imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found |= {name for name in names if name in known}
            if not any(name in known for name in names) and node.module in known:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
    return found


@functools.cache
def _import_graph() -> tuple[tuple[str, frozenset[str]], ...]:
    sources = _sources()
    known = set(sources)
    # The factory imports everything; it is the root, not part of any circle.
    return tuple((name, frozenset(_imports(tree, known) - {name}))
                 for name, tree in sources.items() if name != "learning")


def _graph() -> dict[str, set[str]]:
    """The modules each module imports, by name: a fresh copy for the caller."""
    return {name: set(imported) for name, imported in _import_graph()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting, done = [], set()

    def visit(node):
        if node in done:
            return None
        if node in visiting:
            return visiting[visiting.index(node):] + [node]
        visiting.append(node)
        for following in sorted(graph.get(node, ())):
            found = visit(following)
            if found:
                return found
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        found = visit(node)
        if found:
            return found
    return None


def test_no_module_imports_itself_back_through_others():
    assert _cycle(_graph()) is None


def test_only_the_application_factory_imports_views():
    graph = _graph()
    importers = {name for name, imported in graph.items()
                 if any(target.endswith(".views") for target in imported)}
    assert importers == set()


def test_catalog_knows_nothing_of_progress():
    graph = _graph()
    catalog = {name: imported for name, imported in graph.items()
               if name.startswith("learning.catalog.") and not name.endswith(".views")}
    assert catalog
    for name, imported in catalog.items():
        assert not [target for target in imported if target.startswith("learning.progress")], name


def test_no_import_hides_inside_a_function_or_type_checking_block():
    hidden = []
    for name, tree in _sources().items():
        if name == "learning":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.If):
                for inner in ast.walk(node):
                    if (isinstance(inner, ast.ImportFrom) and inner.module
                            and inner.module.startswith("learning")):
                        hidden.append(f"{name}: {inner.module}")
    assert hidden == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


# The layers, bottom first, as the README lists them. A module may import its own package and
# any layer below; a view (a module whose name ends in "views", registered by the factory)
# may also combine any domain's services, since nothing imports a view.
FOUNDATION = {"learning.config", "learning.database", "learning.extensions", "learning.caches",
              "learning.time_zones", "learning.countries", "learning.core"}
LAYERS = ("jobs", "mail", "accounts", "instruments", "catalog", "cohorts", "progress",
          "assessments", "certificates", "reports", "media", "content", "announcements",
          "studio", "admin", "site")


def _layer(module: str) -> int | None:
    """The module's layer: 0 for the foundation, 1 onwards for the domains; None for the root."""
    if module in ("learning", "learning.models"):
        return None  # the factory and the tables' roll-call import every domain
    if any(module == base or module.startswith(base + ".") for base in FOUNDATION):
        return 0
    package = module.split(".")[1]
    assert package in LAYERS, f"{module}: a package the layers do not name"
    return LAYERS.index(package) + 1


def _arrows_back(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, imported in sorted(graph.items()):
        layer = _layer(module)
        if layer is None or module.endswith("views"):
            continue
        found += [f"{module} -> {target}" for target in sorted(imported)
                  if (_layer(target) or 0) > layer]
    return found


def test_every_import_runs_down_the_layers():
    assert _arrows_back(_graph()) == []


def test_the_foundation_imports_no_domain():
    graph = _graph()
    for module, imported in graph.items():
        if _layer(module) == 0:
            assert [target for target in imported if _layer(target)] == [], module


def test_an_arrow_back_is_found():
    graph = {"learning.catalog.models": {"learning.cohorts.models"},
             "learning.cohorts.models": {"learning.catalog.models"},
             "learning.catalog.views": {"learning.reports.services"}}
    assert _arrows_back(graph) == ["learning.catalog.models -> learning.cohorts.models"]
