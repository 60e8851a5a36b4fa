"""Copy your own pieces from notebooks 01–06 into the capstone's toolbox cell.

The capstone (notebook 07) trains a network with the pieces *you* wrote: the forward pass, the
loss, the backward pass, an optimiser and an initialiser. Rather than copy them by hand, run this
in the toolbox cell::

    from course.toolbox import paste_toolbox
    paste_toolbox()

It reads your saved notebooks 01–06 in the folders next to this notebook's folder (as nbgrader
fetches them: ``01_forward_pass/forward_pass.ipynb`` and so on), takes from their **answer cells**
the top-level definitions named, plus the helpers those use, and puts the code in the cell in
place of the call. Run the cell again to define everything.

This module copies only your own work. It never holds an answer and never falls back to one: a
piece that is missing, or still the ``raise NotImplementedError()`` stub, is reported with the
notebook to finish, and nothing is copied. Read-only cells that earlier notebooks gave you, and the
instructor's source notebooks, are never copied.
"""
from __future__ import annotations

import ast
import json
import symtable
from pathlib import Path

__all__ = ["PIECES", "HOMES", "ToolboxError", "find_notebooks", "toolbox_source", "paste_toolbox"]

# Where each function or class of the contract (CURRICULUM.md) is written, by notebook number.
HOMES = {
    "sigmoid": "01", "relu": "01", "dense_forward": "01", "mlp_forward": "01",
    "mse_loss": "02", "binary_cross_entropy": "02", "softmax": "02", "softmax_cross_entropy": "02",
    "numerical_gradient": "03", "relative_error": "03",
    "relu_backward": "04", "sigmoid_backward": "04", "tanh_backward": "04", "dense_backward": "04",
    "softmax_cross_entropy_backward": "04", "mlp_loss_and_grads": "04",
    "iterate_minibatches": "05", "SGD": "05", "Momentum": "05", "RMSProp": "05", "Adam": "05",
    "xavier_init": "06", "he_init": "06", "init_mlp": "06", "gradient_norms": "06", "clip_by_global_norm": "06",
}

# What the capstone uses: forward, loss, backward, mini-batches, three optimisers, the initialiser.
PIECES = ("mlp_forward", "softmax", "softmax_cross_entropy", "mlp_loss_and_grads", "iterate_minibatches",
          "SGD", "Momentum", "Adam", "init_mlp")

_SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")


class ToolboxError(LookupError):
    """A piece cannot be copied: its notebook is missing, or the piece is missing or unfinished."""


def find_notebooks(folder: str | Path | None = None) -> dict[str, Path]:
    """Your earlier notebooks, by number: ``{"01": .../01_forward_pass/forward_pass.ipynb, ...}``.

    ``folder`` is this notebook's folder (the kernel's working directory by default); the earlier
    notebooks are looked for in the folders beside it, named ``01_*`` … ``06_*``.
    """
    here = Path.cwd() if folder is None else Path(folder)
    found = {}
    for number in sorted(set(HOMES.values())):
        candidates = sorted(p for d in sorted(here.resolve().parent.glob(f"{number}_*")) if d.is_dir()
                            for p in d.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        if candidates:
            found[number] = candidates[0]
    return found


class _Notebook:
    """The top-level statements of one notebook's answer cells, in order."""

    def __init__(self, number: str, path: Path):
        self.number, self.path = number, path
        self.label = f"{path.parent.name}/{path.name}"
        self.statements: list[tuple[int, ast.stmt, str]] = []   # (order, node, source text)
        self.broken_cells: list[int] = []
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        for index, cell in enumerate(nb.get("cells", [])):
            text = cell.get("source", "")
            text = "".join(text) if isinstance(text, list) else text
            if any(marker in text for marker in _SOLUTION_MARKERS):
                raise ToolboxError(
                    f"{self.label} is an instructor's source notebook (it holds the reference answers); the toolbox "
                    "copies only your own work. Run this notebook from your own copy of the course.")
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.get("cell_type") != "code" or not meta.get("solution"):
                continue   # only answer cells: never the read-only cells a notebook gave you
            try:
                tree = ast.parse(_python(text))
            except SyntaxError:
                self.broken_cells.append(index)
                continue
            lines = _python(text).splitlines()
            for node in tree.body:
                start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
                source = "\n".join(lines[start - 1:node.end_lineno])
                self.statements.append((len(self.statements), node, source))

    def definitions(self) -> dict[str, tuple[int, ast.stmt, str]]:
        """name -> the last top-level statement that binds it (as the kernel would have it)."""
        bound = {}
        for entry in self.statements:
            for name in _binds(entry[1]):
                bound[name] = entry
        return bound


def _python(text: str) -> str:
    """A cell's text as Python: IPython magics (``%timeit``) become plain calls."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(text)
    except Exception:
        return text


def _binds(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [alias.asname or alias.name.split(".")[0] for alias in node.names]
    targets = node.targets if isinstance(node, ast.Assign) else \
        [node.target] if isinstance(node, ast.AnnAssign) and node.value is not None else []
    return [t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)]


def _uses(source: str) -> set[str]:
    """The global names a top-level statement reads (not its parameters or local variables)."""
    found = set()

    def visit(table, top):
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (symbol.is_global() or (top and not symbol.is_imported())):
                found.add(symbol.get_name())
        for child in table.get_children():
            visit(child, False)

    visit(symtable.symtable(source, "<toolbox>", "exec"), True)
    return found


def _unfinished(node: ast.stmt) -> bool:
    """Is this definition still nbgrader's stub (``raise NotImplementedError()`` in a body)?"""
    bodies = [node.body] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else \
        [item.body for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))] \
        if isinstance(node, ast.ClassDef) else []
    for body in bodies:
        for statement in body:
            if isinstance(statement, ast.Raise) and statement.exc is not None:
                exc = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
                if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                    return True
    return False


def toolbox_source(names=PIECES, folder: str | Path | None = None) -> str:
    """The code of your own definitions of ``names`` (and the helpers they use), from your notebooks.

    Each name of the contract is taken from the notebook that asks for it (``mlp_forward`` from 01,
    ``Adam`` from 05, ``init_mlp`` from 06, …), from that notebook's answer cells only; a helper of
    your own comes from the notebook that uses it. Raises :class:`ToolboxError`, listing every
    problem, when a notebook or a piece is missing or a piece is unfinished. Returns the code as a
    string, grouped by notebook.
    """
    names = [names] if isinstance(names, str) else list(names)
    paths = find_notebooks(folder)
    notebooks: dict[str, _Notebook] = {}
    problems: list[str] = []

    def notebook(number: str) -> _Notebook | None:
        if number not in notebooks and number in paths:
            notebooks[number] = _Notebook(number, paths[number])
        return notebooks.get(number)

    chosen: dict[tuple[str, int], str] = {}     # (notebook, order) -> source
    binder: dict[str, tuple[str, int, str]] = {}  # name -> (notebook, order, source) that defines it
    queue = [(name, HOMES.get(name), True) for name in names]
    seen = set()
    while queue:
        name, where, required = queue.pop(0)
        if (name, where) in seen:
            continue
        seen.add((name, where))
        home = HOMES.get(name)
        candidates = [n for n in (home, where) if n]
        entry, found_in = None, None
        for number in dict.fromkeys(candidates):   # the home notebook first, then the one that uses it
            nb = notebook(number)
            if nb is not None and name in nb.definitions():
                entry, found_in = nb.definitions()[name], nb
                break
        if entry is None:
            if required or home:
                number = home or where
                if number not in paths:
                    problems.append(f"{name}: notebook {number} was not found next to this one (looked for a "
                                    f"folder {number}_* beside this notebook's folder). Finish and save notebook "
                                    f"{number}, or write {name} in the toolbox cell yourself.")
                else:
                    nb = notebook(number)
                    extra = (f" (cells {nb.broken_cells} of it do not parse as Python)" if nb.broken_cells else "")
                    problems.append(f"{name}: not defined in an answer cell of {nb.label}{extra}. Finish that "
                                    f"notebook, or write {name} in the toolbox cell yourself.")
            continue
        order, node, source = entry
        if name in binder and binder[name][2] != source:
            other = binder[name][0]
            problems.append(f"{name}: your notebooks {other} and {found_in.number} define it differently. Rename "
                            "one of them, or write the toolbox cell by hand.")
            continue
        binder[name] = (found_in.number, order, source)
        if _unfinished(node):
            problems.append(f"{name}: still the stub (it raises NotImplementedError) in {found_in.label}. Finish "
                            f"notebook {found_in.number} first, or write {name} in the toolbox cell yourself.")
            continue
        chosen[(found_in.number, order)] = source
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        for used in sorted(_uses(source) - {name}):
            queue.append((used, found_in.number, False))
    if problems:
        raise ToolboxError("The toolbox cannot be copied from your notebooks:\n  - " + "\n  - ".join(problems))
    blocks = ["# Your toolbox, copied from your own notebooks by course.toolbox.paste_toolbox.\n"
              "# This is your code: read it, change it as you like, and run this cell.\n\n"
              "import numpy as np"]
    for number in sorted({n for n, _ in chosen}):
        nb = notebooks[number]
        parts = [source for (n, _), source in sorted(chosen.items()) if n == number
                 and source.strip() not in ("import numpy as np",)]
        if parts:
            blocks.append(f"# ---- from {nb.label} ----\n\n" + "\n\n\n".join(parts))
    text = "\n\n\n".join(blocks) + "\n"
    compile(text, "<toolbox>", "exec")   # copied whole statements: it parses, or something above is wrong
    return text


def paste_toolbox(names=PIECES, folder: str | Path | None = None, replace: bool = True) -> str | None:
    """Put :func:`toolbox_source` into the notebook: in place of the running cell's text
    (``replace=True``, the default: run the cell again afterwards) or in a new cell below it.

    When a piece is missing or unfinished nothing is pasted, and what to finish is printed.
    Outside Jupyter the code is printed instead, and returned. In Jupyter it returns ``None``, so
    that the cell does not also show the code as one long string under it.
    """
    try:
        text = toolbox_source(names, folder)
    except ToolboxError as error:
        print(error)
        return None
    shell = None
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        pass
    if shell is None or not hasattr(shell, "set_next_input"):
        print(text)
        return text
    shell.set_next_input(text, replace=replace)
    count = text.count("\ndef ") + text.count("\nclass ")
    where = "this cell" if replace else "a new cell below"
    print(f"Copied {count} definitions from your notebooks into {where}. Read them, then run "
          f"{'this cell again' if replace else 'that cell'} to define them.")
    return None
