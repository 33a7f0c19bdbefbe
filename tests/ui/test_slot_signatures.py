"""No button or menu entry hands its ``checked`` flag to a slot that takes an optional argument.

``clicked``, ``triggered`` and ``toggled`` emit a bool; connected straight to a method such as
``open_import(self, files=())`` the method receives ``False`` as ``files``. Every such connection
in the interface's source is found here (a method of the same class connected by name), and the
method must take no argument or one it requires (the state of a check box, say).
"""

from __future__ import annotations

import ast
from pathlib import Path

import desktop_app.ui

UI = Path(desktop_app.ui.__file__).parent
SIGNALS = {"clicked", "triggered", "toggled"}


def _optional_first_parameter(fn: ast.FunctionDef) -> bool:
    args = fn.args
    positional = args.posonlyargs + args.args
    rest = positional[1:]  # after self
    if not rest:
        return False
    # Defaults belong to the last positional parameters.
    return len(args.defaults) >= len(rest)


def _offenders(tree: ast.Module) -> list[str]:
    found = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
        for call in (n for n in ast.walk(cls) if isinstance(n, ast.Call)):
            func = call.func
            if not (
                isinstance(func, ast.Attribute)
                and func.attr == "connect"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr in SIGNALS
                and call.args
            ):
                continue
            slot = call.args[0]
            if (
                isinstance(slot, ast.Attribute)
                and isinstance(slot.value, ast.Name)
                and slot.value.id == "self"
                and slot.attr in methods
                and _optional_first_parameter(methods[slot.attr])
            ):
                found.append(f"{cls.name}.{slot.attr} (line {call.lineno})")
    return found


def test_the_checker_sees_the_mistake():
    tree = ast.parse(
        "class Page:\n"
        "    def __init__(self):\n"
        "        self.button.clicked.connect(self.open_import)\n"
        "        self.box.toggled.connect(self.set_on)\n"
        "    def open_import(self, files=()):\n"
        "        pass\n"
        "    def set_on(self, on):\n"
        "        pass\n"
    )
    assert _offenders(tree) == ["Page.open_import (line 3)"]


def test_no_slot_receives_the_checked_flag_as_an_optional_argument():
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(UI)}: {o}" for o in _offenders(tree)]
    assert offenders == []
