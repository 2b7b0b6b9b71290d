"""The project's layout: a pure scoring core, a tidy `service` top level, no import cycles."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("scoring", "service", "workers", "gmsc")
SKIPPED = ("service/store/migrations",)
FORBIDDEN_IN_CORE = ("flask", "sqlalchemy", "rq", "redis")
SERVICE_SHARED_MODULES = {"__init__.py", "config.py", "extensions.py", "errors.py"}


# --- the scoring core -------------------------------------------------------------------------------


def test_importing_the_scoring_core_loads_no_web_sql_or_queue_library():
    probe = (
        "import json, sys, scoring; "
        f"roots = {set(FORBIDDEN_IN_CORE)!r}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in roots)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"`import scoring` loaded {loaded}"


# --- the service top level --------------------------------------------------------------------------


def test_service_top_level_holds_only_packages_and_the_four_shared_modules():
    misplaced = []
    for entry in sorted((PROJECT / "service").iterdir()):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            if not (entry / "__init__.py").is_file():
                misplaced.append(f"{entry.name}/ (no __init__.py)")
        elif entry.name not in SERVICE_SHARED_MODULES:
            misplaced.append(entry.name)
    assert not misplaced, f"service/ may hold only packages and {sorted(SERVICE_SHARED_MODULES)}: {misplaced}"


# --- import cycles ----------------------------------------------------------------------------------


def module_files(root: Path, packages=PROJECT_PACKAGES, skipped=SKIPPED) -> dict[str, Path]:
    """Every module under `packages`, by dotted name (`pkg/__init__.py` is `pkg`)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if any(relative.is_relative_to(skip) for skip in skipped):
                continue
            parts = relative.with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def load_time_imports(body: list[ast.stmt]):
    """Import statements run when the module loads: top level and inside top-level `if`/`try`."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            yield from load_time_imports(node.body + node.orelse)
        elif isinstance(node, ast.Try | ast.TryStar):
            handlers = [stmt for handler in node.handlers for stmt in handler.body]
            yield from load_time_imports(node.body + handlers + node.orelse + node.finalbody)


def imported_names(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool) -> list[str]:
    """Dotted names an import statement loads, relative imports resolved; `from X import Y` gives X.Y and X."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        anchor = package[: len(package) - (node.level - 1)]
        base = ".".join(anchor + ([base] if base else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def innermost_module(name: str, modules) -> str | None:
    """The longest prefix of `name` that is a project module (None for outside libraries)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return ".".join(parts[:end])
    return None


def edges_for(target: str, importer: str) -> set[str]:
    """The imported module plus the packages that importing it implies, minus the importer's own packages."""
    parts = target.split(".")
    parents = {".".join(parts[:end]) for end in range(1, len(parts))}
    implied = {p for p in parents if not (importer == p or importer.startswith(p + "."))}
    return ({target} | implied) - {importer}


def import_graph(root: Path, packages=PROJECT_PACKAGES, skipped=SKIPPED) -> dict[str, set[str]]:
    """Module -> project modules it imports while loading (function-level imports are left out)."""
    files = module_files(root, packages, skipped)
    graph = {}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        targets = set()
        for node in load_time_imports(ast.parse(path.read_text(), filename=str(path)).body):
            for name in imported_names(node, module, is_package):
                target = innermost_module(name, files)
                if target:
                    targets |= edges_for(target, module)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def describe(graph: dict[str, set[str]], component: list[str]) -> str:
    """A cycle's modules and the imports that tie them together."""
    inside = [f"{a} -> {b}" for a in component for b in sorted(graph[a]) if b in component]
    return f"{component}: " + ", ".join(inside)


def test_no_import_cycles_among_the_project_modules():
    graph = import_graph(PROJECT)
    assert sum(len(targets) for targets in graph.values()) > 50, "the import graph looks empty"
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(describe(graph, c) for c in found)


def write_tree(root: Path, files: dict[str, str]):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_the_cycle_check_finds_a_planted_cycle(tmp_path):
    write_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "try:\n    from . import b\nexcept ImportError:\n    pass\n",
            "pkg/b.py": "import pkg.c\n",
            "pkg/c.py": "from pkg.a import thing\n",
        },
    )
    assert cycles(import_graph(tmp_path, packages=("pkg",), skipped=())) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_the_cycle_check_ignores_late_imports_and_a_package_loading_its_submodules(tmp_path):
    write_tree(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.sub import helper\nfrom . import a\n",
            "pkg/a.py": "def later():\n    import pkg.b\n",
            "pkg/b.py": "import pkg.a\n",
            "pkg/sub/__init__.py": "from .helper import helper\n",
            "pkg/sub/helper.py": "import pkg.sub.other\nimport os\n",
            "pkg/sub/other.py": "",
        },
    )
    graph = import_graph(tmp_path, packages=("pkg",), skipped=())
    assert graph["pkg.b"] == {"pkg.a"}
    assert graph["pkg.sub.helper"] == {"pkg.sub.other"}
    assert cycles(graph) == []


# --- layers -----------------------------------------------------------------------------------------

# Only the HTTP API and the pages read the request, know who is signed in and write headers; the
# domain takes the user, the tenant, the settings and the time as arguments.
REQUEST_LAYERS = ("service/http", "service/web")
# What a module outside them may not import: the request and what flask-jwt-extended verified of it,
# and the request layers themselves (service/__init__.py, which builds the app, wires them in).
REQUEST_STATE = {
    "flask.request", "flask.g", "flask.session", "flask_jwt_extended.current_user",
    "flask_jwt_extended.get_current_user", "flask_jwt_extended.get_jwt", "flask_jwt_extended.get_jwt_identity",
    "flask_jwt_extended.verify_jwt_in_request",
}  # fmt: skip
REQUEST_PACKAGES = ("service.http", "service.web")
APP_BUILDER = "service"
HEADER_PREFIXES = ("retry-after", "x-quota", "x-ratelimit", "content-type", "content-disposition", "location")
MAX_MODULE_LINES = 400


def all_imports(tree: ast.AST, importer: str, is_package: bool) -> set[str]:
    """Every dotted name the module imports, at load time or inside a function."""
    return {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in imported_names(node, importer, is_package)
    }


def request_layer_leaks(root: Path) -> list[str]:
    """Modules outside http/ and web/ that read request state, import those layers or write headers."""
    leaks = []
    for module, path in module_files(root).items():
        if any(path.relative_to(root).is_relative_to(layer) for layer in REQUEST_LAYERS):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        imports = all_imports(tree, module, path.name == "__init__.py")
        for name in sorted(imports & REQUEST_STATE):
            leaks.append(f"{module} imports {name}")
        if module != APP_BUILDER:
            for name in sorted(n for n in imports if n.startswith(REQUEST_PACKAGES) and n.count(".") == 2):
                leaks.append(f"{module} imports {name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "headers":
                leaks.append(f"{module}:{node.lineno} touches .headers")
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "flask"
            ):
                if f"flask.{node.attr}" in REQUEST_STATE:
                    leaks.append(f"{module}:{node.lineno} reads flask.{node.attr}")
            if isinstance(node, ast.keyword) and node.arg == "headers":
                leaks.append(f"{module}:{node.lineno} passes headers=")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.lower().startswith(HEADER_PREFIXES):
                    leaks.append(f"{module}:{node.lineno} names the header {node.value}")
    return leaks


def test_only_the_http_and_web_layers_touch_the_request_the_signed_in_user_and_headers():
    assert not request_layer_leaks(PROJECT)


def test_the_layer_check_finds_planted_leaks(tmp_path):
    write_tree(
        tmp_path,
        {
            "service/__init__.py": "",
            "service/http/__init__.py": "from flask import request\n",
            "service/grading/__init__.py": "",
            "service/grading/a.py": "def f():\n    from flask import request\n",
            "service/grading/b.py": "from flask_jwt_extended import current_user\n",
            "service/grading/c.py": "def f(error):\n    return {'Retry-After': '5'}\n",
            "service/grading/d.py": "def f(response):\n    response.headers['X'] = '1'\n",
            "service/grading/e.py": "import flask\n\ndef f():\n    return flask.g.user, {'x-quota-limit': 1}\n",
            "service/grading/f.py": "from service.http.problems import problem\n",
        },
    )
    assert request_layer_leaks(tmp_path) == [
        "service.grading.a imports flask.request",
        "service.grading.b imports flask_jwt_extended.current_user",
        "service.grading.c:2 names the header Retry-After",
        "service.grading.d:2 touches .headers",
        "service.grading.e:4 reads flask.g",
        "service.grading.e:4 names the header x-quota-limit",
        "service.grading.f imports service.http.problems",
    ]


def test_the_shared_extensions_import_nothing_of_the_http_layer():
    path = PROJECT / "service" / "extensions.py"
    names = all_imports(ast.parse(path.read_text()), "service.extensions", False)
    assert {name for name in names if name.split(".")[:2] == ["service", "http"]} == set()


def test_no_module_of_the_core_or_the_service_is_over_400_lines():
    files = module_files(PROJECT, packages=("scoring", "service"))
    long = {
        module: n
        for module, path in files.items()
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules (at most {MAX_MODULE_LINES} lines each): {long}"


def test_every_route_refuses_arguments_that_fail_their_schema_with_a_400():
    # flask-smorest's default is 422; the API answers 400 for every request it cannot read.
    unset = []
    for path in sorted((PROJECT / "service" / "http" / "routes").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if called and node.func.attr == "arguments":
                status = {k.arg: k.value for k in node.keywords}.get("error_status_code")
                if not (isinstance(status, ast.Constant) and status.value == 400):
                    unset.append(f"{path.relative_to(PROJECT)}:{node.lineno}")
    assert not unset, f"arguments without error_status_code=400: {unset}"
