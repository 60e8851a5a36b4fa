"""Scan a submission for code that tampers with grading, so a person can look before it keeps points.

The grade cells defend themselves inside the kernel (``course.checks``), but no in-kernel defence
can be complete: code that runs before a check can change what the check runs on. So every cell a
student wrote or edited is read here, outside the kernel, and anything that has no place in an
answer to these exercises is reported: replacing or patching a module's attributes (NumPy's, the
checks'), rebinding a built-in or a name the notebook's own cells imported, reaching into
interpreter internals (``sys.modules``, ``builtins``, frames, ``__dict__``, ``exec``), IPython's
machinery, subclassing ``str``/``float``/``ndarray`` or defining comparisons that could lie, and
imports beyond the numerical ones an answer needs.

A flagged submission is held at zero, with the reasons as comments, for an instructor to review.
"""
from __future__ import annotations

import ast
import builtins
import re
import symtable

from . import nbtools

# Modules an answer may import (the top-level package name).
ALLOWED_IMPORTS = {
    "numpy", "math", "cmath", "collections", "itertools", "functools", "operator", "typing", "dataclasses",
    "copy", "time", "random", "statistics", "fractions", "decimal", "numbers", "abc", "enum", "heapq",
    "bisect", "string", "re", "warnings", "matplotlib", "course", "__future__",
}
# Names whose mere use means reaching into the interpreter or IPython.
FORBIDDEN_NAMES = {
    "__builtins__", "__import__", "exec", "eval", "compile", "globals", "locals", "vars", "setattr",
    "delattr", "get_ipython", "__loader__", "__spec__", "breakpoint", "open", "input", "exit", "quit",
}
# Attributes that reach into objects' internals.
FORBIDDEN_ATTRIBUTES = {
    "__dict__", "__globals__", "__code__", "__closure__", "__builtins__", "__subclasses__", "__bases__",
    "__mro__", "__setattr__", "__delattr__", "__getattribute__", "__import__", "__defaults__",
    "__kwdefaults__", "f_globals", "f_locals", "f_back", "f_builtins", "tb_frame", "gi_frame", "cr_frame",
    "modules", "__self__", "__func__", "__wrapped__",
    # IPython's shell, wherever it is reached from: hooks around cells, cell rewriting, error display
    "get_ipython", "events", "input_transformers_post", "input_transformers_cleanup", "ast_transformers",
    "input_transformer_manager", "showtraceback", "set_custom_exc", "custom_exceptions", "user_ns",
    "user_global_ns", "excepthook", "displayhook", "display_pub", "register_magic_function",
    "attrgetter", "methodcaller",
    # modules reached as attributes of other modules (np._core.numeric.sys, os.sys, ...)
    "sys", "os", "builtins", "importlib", "subprocess", "ctypes", "gc", "inspect",
}
# Methods that let an object lie about what it equals or is.
LYING_METHODS = {
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__", "__hash__", "__array_ufunc__",
    "__array_function__", "__array_finalize__", "__array__", "__array_priority__", "__array_wrap__",
    "__float__", "__index__", "__int__", "__instancecheck__", "__subclasscheck__", "__init_subclass__",
    "__getattr__", "__getattribute__", "__class_getitem__", "__del__",
}
BUILTIN_TYPES = {"str", "int", "float", "bool", "complex", "bytes", "list", "tuple", "dict", "set",
                 "frozenset", "type", "BaseException", "Exception", "AssertionError"}
BUILTIN_NAMES = set(dir(builtins))


def _parse(code: str) -> ast.Module | None:
    """The cell as Python (IPython magics become calls to get_ipython, which is flagged)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        code = TransformerManager().transform_cell(code)
    except Exception:
        pass
    try:
        return ast.parse(code)
    except SyntaxError:
        return None  # it cannot run either: its test cells fail on their own


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _imports(tree: ast.Module) -> dict[str, str]:
    """name bound -> module it names, for every import in a cell."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def _module_names(tree: ast.Module) -> set[str]:
    """Names a cell binds to modules (``import x``, ``import x.y as z``)."""
    return {alias.asname or alias.name.split(".")[0]
            for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}


def _module_bindings(tree: ast.Module) -> list[tuple[str, int, ast.AST]]:
    """(name, line, node) for every name a cell binds at the top level of the notebook."""
    found = []

    def targets(t):
        if isinstance(t, ast.Name):
            yield t.id
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                yield from targets(e)
        elif isinstance(t, ast.Starred):
            yield from targets(t.value)

    def visit(body):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.append((node.name, node.lineno, node))
            elif isinstance(node, ast.Assign):
                for t in node.targets:
                    found.extend([(n, node.lineno, node) for n in targets(t)])
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                found.extend([(n, node.lineno, node) for n in targets(node.target)])
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                found.extend([(n, node.lineno, node) for n in targets(node.target)])
                visit(node.body + node.orelse)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        found.extend([(n, node.lineno, node) for n in targets(item.optional_vars)])
                visit(node.body)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    found.append((alias.asname or alias.name.split(".")[0], node.lineno, node))
            elif isinstance(node, (ast.If, ast.While)):
                visit(node.body + node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body])
    visit(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            found.append((node.target.id, node.lineno, node))
        elif isinstance(node, ast.Global):
            found.extend([(n, node.lineno, node) for n in node.names])
    return found


HISTORY = re.compile(r"^(In|Out|_ih|_oh|_dh|_i+|_i\d+|_\d+|__+)$")


def scan_cell(code: str, protected: dict[str, str], modules: set[str], own: set[str],
              test_names: frozenset = frozenset()) -> list[str]:
    """Reasons this cell's code tampers with grading (empty when it does not).

    ``protected`` maps names the notebook's own cells bind by import to the module they name;
    ``modules`` are names known to be modules; ``own`` are the names the exercises ask students to
    define; ``test_names`` are names the grade cells define (their data and expected values).
    """
    tree = _parse(code)
    if tree is None:
        return []
    reasons = []
    modules = modules | _module_names(tree)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or "."]
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                if private:
                    reasons.append(f"line {line}: imports private names {', '.join(private)} from {node.module}")
                risky = [a.name for a in node.names if a.name in FORBIDDEN_NAMES | FORBIDDEN_ATTRIBUTES]
                if risky:
                    reasons.append(f"line {line}: imports {', '.join(risky)} from {node.module}")
            for name in names:
                if name.split(".")[0] not in ALLOWED_IMPORTS or (node.level if isinstance(node, ast.ImportFrom) else 0):
                    reasons.append(f"line {line}: imports {name}")
                elif name.startswith("course.grading"):
                    reasons.append(f"line {line}: imports the grading tools ({name})")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            reasons.append(f"line {line}: uses {node.id}")
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and HISTORY.match(node.id) \
                and node.id != "_":
            reasons.append(f"line {line}: reads IPython's history ({node.id}), where the grade cells' code is")

        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
                and len(node.args) >= 2:
            name = node.args[1]
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                reasons.append(f"line {line}: looks up an attribute by a computed name (getattr)")
            elif name.value.startswith("_") or name.value in FORBIDDEN_ATTRIBUTES | FORBIDDEN_NAMES:
                reasons.append(f"line {line}: reaches into .{name.value}")
        elif isinstance(node, ast.Attribute):
            if node.attr in FORBIDDEN_ATTRIBUTES:
                reasons.append(f"line {line}: reaches into .{node.attr}")
            elif node.attr.startswith("_") and not node.attr.endswith("__") and _root_name(node) in modules:
                reasons.append(f"line {line}: reaches into {ast.unparse(node)}, a module's private name")
            elif node.attr == "__class__" and isinstance(node.ctx, (ast.Store, ast.Del)):
                reasons.append(f"line {line}: reassigns an object's __class__")
            if isinstance(node.ctx, (ast.Store, ast.Del)) and _root_name(node) in modules:
                reasons.append(f"line {line}: changes {ast.unparse(node)}, an attribute of a module")
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)) \
                and _root_name(node) in modules:
            reasons.append(f"line {line}: changes {ast.unparse(node)}, inside a module")
        elif isinstance(node, ast.ClassDef):
            for base in node.bases:
                text = ast.unparse(base)
                root = _root_name(base)
                if text in BUILTIN_TYPES or (root in modules and root is not None):
                    reasons.append(f"line {line}: class {node.name} subclasses {text}")
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in LYING_METHODS:
                    reasons.append(f"line {item.lineno}: class {node.name} defines {item.name}")
                elif isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id in LYING_METHODS
                                                          for t in item.targets):
                    reasons.append(f"line {item.lineno}: class {node.name} sets {ast.unparse(item.targets[0])}")
    for name in sorted(_free_names(code) & test_names - own):
        reasons.append(f"line {_first_line(tree, name)}: uses {name}, a name the grade cells define")
    for node in ast.walk(tree):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            foreign = [n for n in node.names if n not in own]
            if foreign:
                reasons.append(f"line {node.lineno}: declares {', '.join(foreign)} "
                               f"{'global' if isinstance(node, ast.Global) else 'nonlocal'} (reaches names outside the answer)")
    for name, line, node in _module_bindings(tree):
        if name in own:
            continue
        if name in protected:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and _imports(ast.Module([node], []))[name] == protected[name]:
                continue  # importing the same thing again is harmless
            reasons.append(f"line {line}: rebinds {name}, which the notebook imports for its checks")
        elif name in BUILTIN_NAMES and not name.startswith("_"):
            reasons.append(f"line {line}: rebinds the built-in {name}")
    return sorted(set(reasons), key=lambda r: (int(r.split()[1].rstrip(":")) if r.split()[1].rstrip(":").isdigit() else 0, r))


def _free_names(code: str) -> set[str]:
    """Names the cell reads from the notebook's namespace: used, but bound nowhere in the cell."""
    try:
        table = symtable.symtable(code, "<cell>", "exec")
    except (SyntaxError, ValueError):
        return set()
    found: set[str] = set()
    bound_at_top = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}

    def visit(t):
        for symbol in t.get_symbols():
            name = symbol.get_name()
            if symbol.is_referenced() and name not in bound_at_top and (
                    t.get_type() == "module" or symbol.is_global()):
                found.add(name)
        for child in t.get_children():
            visit(child)
    visit(table)
    return found


def _first_line(tree: ast.Module, name: str):
    lines = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name]
    return min(lines) if lines else "?"


def _defined_names(code: str) -> set[str]:
    tree = _parse(code)
    return {name for name, _, _ in _module_bindings(tree)} if tree is not None else set()


_CONTEXTS: dict = {}


def _context(release: dict, source: dict | None):
    """What the instructor's notebooks say, worked out once per pair of notebooks (a class
    grading run scans every submission against the same two)."""
    cached = _CONTEXTS.get((id(release), id(source)))
    if cached is not None and cached[0] is release and cached[1] is source:
        return cached[2]
    provided = [c for c in release["cells"] if c["cell_type"] == "code"]
    unchanged = {nbtools.source_text(c) for c in provided if not nbtools.nbgrader_meta(c).get("solution")}
    restored = {nbtools.nbgrader_meta(c).get("grade_id") for c in provided
                if nbtools.nbgrader_meta(c).get("locked") or nbtools.is_autograded_test(c)} - {None}
    protected: dict[str, str] = {}
    modules = {"np", "numpy", "plt", "matplotlib", "course", "math", "builtins", "sys"}
    for cell in provided:
        if not nbtools.nbgrader_meta(cell).get("solution"):
            tree = _parse(nbtools.source_text(cell))
            if tree is not None:
                protected.update(_imports(tree))
                modules |= _module_names(tree)
    own: set[str] = set()
    test_names: set[str] = set()
    for cell in (source or release)["cells"]:
        if cell["cell_type"] == "code" and nbtools.nbgrader_meta(cell).get("solution"):
            own |= _defined_names(nbtools.source_text(cell))
        elif cell["cell_type"] == "code" and nbtools.is_autograded_test(cell):
            test_names |= _defined_names(nbtools.source_text(cell))
    # what the grade cells import is already protected; the rest is their data
    # (the private ones: hidden tests keep their data and expected values in _names)
    test_names = frozenset(n for n in test_names - set(protected) - own if n.startswith("_") and not n.startswith("__"))
    context = (unchanged, restored, protected, modules, own, test_names)
    if len(_CONTEXTS) > 16:
        _CONTEXTS.clear()
    _CONTEXTS[(id(release), id(source))] = (release, source, context)
    return context


def scan_notebook(submitted: dict, release: dict, source: dict | None = None) -> list[str]:
    """Reasons to hold a submission for review: one line per suspicious line of student code.

    Cells are compared with the release notebook: locked and test cells are restored by nbgrader,
    and provided cells left as they were are not the student's code; every other code cell is read.
    ``source`` (the instructor's notebook) names what the answer cells are meant to define.
    """
    unchanged, restored, protected, modules, own, test_names = _context(release, source)
    reasons = []
    seen_restored = set()
    for index, cell in enumerate(submitted.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        meta = nbtools.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if gid in restored and not meta.get("solution") and gid not in seen_restored:
            seen_restored.add(gid)
            continue
        code = nbtools.source_text(cell)
        if not meta.get("solution") and code in unchanged:
            continue
        where = f"cell {index}" + (f" ({gid})" if gid else "")
        reasons += [f"{where}, {r}" for r in scan_cell(code, protected, modules, own, test_names)]
    return reasons
