"""The packages import in one direction: core <- account <- careprovider <- circle <- connect, dossier <- apps.

The import graph is read with ``ast`` from the source (imports at the top of a module and inside
functions alike), so a hidden cycle cannot hide in a function body.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: layer of each part of hub: a module may import its own layer and the ones below, never above;
#: connect and dossier share a layer but do not import each other
LAYERS = {
    'hub.config': 0, 'hub.extensions': 0, 'hub.core': 1, 'hub.web': 2,
    'hub.account': 3, 'hub.careprovider': 4, 'hub.circle': 5, 'hub.connect': 6, 'hub.dossier': 6,
    'hub.apps': 7,  # apps members connect (SMART on FHIR): above the dossier, whose data they will read
    # the app itself: it assembles everything, and nothing of the domain imports it
    'hub.openapi': 9, 'hub': 10, 'hub.cli': 10, 'hub.app_commands': 10, 'hub.worker': 10, 'hub.tasks': 10, 'hub.demo': 10, 'hub.demo_data': 10,
    'hub.migrations': 10,
}
#: parts of one layer that must not import each other either
APART = {frozenset({'hub.connect', 'hub.dossier'})}


def part_of(module: str) -> str | None:
    """Return the part (a key of LAYERS) a module belongs to: the longest prefix that is one."""
    parts = module.split('.')
    for size in range(len(parts), 0, -1):
        name = '.'.join(parts[:size])
        if name in LAYERS:
            return name
    return None


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix('')
    parts = list(relative.parts)
    if parts[-1] == '__init__':
        parts = parts[:-1]
    return '.'.join(parts)


def imports_of(path: Path):
    """Yield (imported module, line, inside a function) for every import of a source file."""
    tree = ast.parse(path.read_text(encoding='utf-8'))
    package = module_name(path) if path.name == '__init__.py' else module_name(path).rpartition('.')[0]
    functions = {id(node) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                 for node in ast.walk(fn)}
    for node in ast.walk(tree):
        inside = id(node) in functions
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, inside
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                base = '.'.join(package.split('.')[:len(package.split('.')) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                yield f'{base}.{alias.name}' if base else alias.name, node.lineno, inside


def project_graph(root=ROOT):
    """Return {module: [(imported project module, line, inside a function)]} for hub/ and adapters/."""
    graph = {}
    for folder in ('hub', 'adapters'):
        for path in sorted((root / folder).rglob('*.py')):
            if 'migrations/versions' in path.as_posix():
                continue
            graph[module_name(path)] = [(name, line, inside) for name, line, inside in imports_of(path)
                                        if name.split('.')[0] in ('hub', 'adapters')]
    return graph


def violations(graph, layers=None):
    """Return the imports that go against the layers, each as 'importer:line -> imported (why)'."""
    layers = layers or LAYERS
    found = []
    for module, imports in sorted(graph.items()):
        if module.startswith('adapters'):
            own = '.'.join(module.split('.')[:2])  # adapters.fhir: its own modules are fine
            for name, line, _ in imports:
                if not (name.startswith('hub.careprovider.adapter') or name.startswith(own + '.') or name == own):
                    found.append(f'{module}:{line} -> {name} (an adapter imports only hub.careprovider.adapter)')
            continue
        mine = part_of(module)
        for name, line, _ in imports:
            theirs = part_of(name)
            if mine is None or theirs is None or mine == theirs or name.startswith('adapters'):
                continue
            if layers[theirs] > layers[mine] or frozenset({mine, theirs}) in APART:
                found.append(f'{module}:{line} -> {name} ({mine} may not import {theirs})')
    return found


def in_function_imports(graph):
    """Count the import statements of project modules that sit inside functions."""
    return len({(module, line) for module, imports in graph.items() for _, line, inside in imports if inside})


def test_packages_import_in_one_direction():
    assert violations(project_graph()) == []


def test_a_new_cycle_or_an_upward_import_is_named():
    fake = {
        'hub.careprovider.sync': [('hub.circle.models', 12, True)],  # a lower layer reaching up
        'hub.circle.operations': [('hub.careprovider.models', 3, False)],  # allowed: downwards
        'hub.connect.operations': [('hub.dossier.operations', 7, False)],  # two of one layer: a cycle in waiting
        'hub.dossier.operations': [('hub.connect.operations', 9, False)],
        'adapters.fhir': [('hub.extensions', 4, False), ('adapters.fhir.values', 5, False)],
    }
    found = violations(fake)
    assert 'hub.careprovider.sync:12 -> hub.circle.models (hub.careprovider may not import hub.circle)' in found
    assert any(line.startswith('hub.connect.operations:7') for line in found)
    assert any(line.startswith('hub.dossier.operations:9') for line in found)
    assert any(line.startswith('adapters.fhir:4') for line in found)
    assert not any(line.startswith('adapters.fhir:5') for line in found)  # its own module
    assert not any(line.startswith('hub.circle.operations') for line in found)


def test_imports_sit_at_the_top_of_modules():
    """Imports inside functions hide cycles: fewer than 5 per 1,000 lines (create_app's blueprints are some)."""
    graph = project_graph()
    lines = sum(len(path.read_text(encoding='utf-8').splitlines()) for folder in ('hub', 'adapters')
                for path in (ROOT / folder).rglob('*.py') if 'migrations/versions' not in path.as_posix())
    assert in_function_imports(graph) * 1000 / lines < 5
