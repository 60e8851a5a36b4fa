"""Run at the start of every grading kernel (never in a learner's own session).

Grading scores the test cells; figures and widgets are not graded, and cells tagged
``draw-only`` are not even run. Importing ``matplotlib.pyplot`` still costs about half a second
per kernel, a large share of a submission's grading time, although most notebooks never draw while
graded. So here ``matplotlib.pyplot`` is deferred: ``import matplotlib.pyplot as plt`` binds a
placeholder that imports the real module the first time anything is read from it, and the
``%matplotlib`` magic does nothing (the kernel already draws inline, from ``MPLBACKEND``). Code
that does draw works as usual, a moment later. Tracebacks are printed in IPython's "Plain" mode,
without the highlighted source context that makes each failing cell cost about 50 ms.
"""
import importlib
import sys
import types


class _Deferred(types.ModuleType):
    def __getattr__(self, attr):  # called only for attributes the placeholder does not have yet
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)
        self.__dict__.update({k: v for k, v in vars(real).items() if k not in ("__class__",)})
        return getattr(real, attr)


def _defer(name: str) -> None:
    if name not in sys.modules:
        sys.modules[name] = _Deferred(name)


def _quick_shell() -> None:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    shell.register_magic_function(lambda line="": None, "line", "matplotlib")
    # A failed check's traceback in IPython's default "Context" mode reads and highlights the
    # source around every frame: about 50 ms per failing cell, most of a wrong notebook's grading
    # time. "Plain" keeps every frame, file and line; grading reads only the error's message.
    shell.InteractiveTB.set_mode(mode="Plain")


_defer("matplotlib.pyplot")
_quick_shell()
