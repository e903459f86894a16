"""The package's shape: layers imported in one direction, no import cycle, every module importable alone.

catalog → site → tracking → outputs → the command line (cli.py, clickru.py,
views/), over a base of errors, messages, reasons, wording and dates: a module
imports its own layer or lower ones only. Nothing under tracking/ imports
rich or Click or holds Russian text beyond the vocabulary it reads
rosters and chats' member lists with and the demo school's fictional names: the sentences people
read live in messages.py, reasons.py, wording.py and the views.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sferum_onboard"
LAYERS = {"base": 0, "catalog": 1, "site": 2, "tracking": 3, "outputs": 4, "cli": 5}
CLI_LAYER = {"sferum_onboard.cli", "sferum_onboard.clickru", "sferum_onboard.__main__"}
# Alembic runs these with its own context; they are not modules to import.
NOT_MODULES = re.compile(r"\.migrations\.")
# Input vocabulary (roster headers, class names, look-alike letters) and the demo's fictional people.
RUSSIAN_DATA = ("sferum_onboard.tracking.roster.", "sferum_onboard.tracking.classes", "sferum_onboard.tracking.names",
                "sferum_onboard.tracking.demo", "sferum_onboard.tracking.members.vocabulary")
LONGEST = 450  # lines; cli.py, the command line itself, may be longer


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if not NOT_MODULES.search(module_name(p) + ".")}


def layer(name: str) -> int:
    if name in CLI_LAYER or name.startswith("sferum_onboard.views"):
        return LAYERS["cli"]
    part = name.split(".")[1] if name.count(".") else ""
    return LAYERS.get(part, LAYERS["base"])


def imported(name: str) -> set[str]:
    """Every module `name` imports anywhere in its body (functions too: an import there is a dependency)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if not node.level else ".".join(name.split(".")[:-node.level] + [node.module])
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names)
    return found


def imports(name: str) -> set[str]:
    """The package's modules `name` imports."""
    return {m for m in imported(name) if m in MODULES and m != name}


def test_layers_import_downwards_only():
    upwards = [(name, other) for name in MODULES for other in imports(name) if layer(other) > layer(name)]
    assert upwards == []


def test_no_import_cycle():
    graph = {name: imports(name) for name in MODULES}
    cycles, state, stack = [], {}, []

    def visit(node):  # depth-first search; a grey node met again closes a cycle
        state[node] = "grey"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "grey":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "black"

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == []


def test_every_module_imports_alone():
    """Each module in a fresh interpreter of its own (a fork of a bare one), so no import order hides a cycle."""
    script = textwrap.dedent("""
        import importlib, os, sys, traceback
        failed = []
        for name in sys.argv[1:]:
            pid = os.fork()
            if pid == 0:
                try:
                    importlib.import_module(name)
                except BaseException:
                    traceback.print_exc()
                    os._exit(1)
                os._exit(0)
            if os.waitpid(pid, 0)[1]:
                failed.append(name)
        print(" ".join(failed))
    """)
    names = [n for n in MODULES if n != "sferum_onboard.__main__"]  # running it starts the CLI
    result = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True,
                            cwd=PACKAGE.parent, timeout=600)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def test_click_only_in_the_command_line_and_rich_not_in_tracking():
    for name in MODULES:
        third_party = {m.split(".")[0] for m in imported(name)}
        if layer(name) < LAYERS["cli"]:
            assert "click" not in third_party, name
        if name.startswith("sferum_onboard.tracking"):
            assert "rich" not in third_party, name


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("sferum_onboard.tracking")
                                  and not n.startswith(RUSSIAN_DATA)])
def test_tracking_holds_no_russian_text(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    russian = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
               and id(node) not in docstrings and re.search("[А-Яа-яЁё]", node.value)]
    assert russian == []


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {name: n for name, path in MODULES.items()
            if name != "sferum_onboard.cli" and (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST}
    assert long == {}
