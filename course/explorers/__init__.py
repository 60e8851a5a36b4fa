"""Interactive explorers, one module per lesson, each named for what it shows.

Every explorer is thin: widgets wired to a plotting function that also works on its own, and
each runs the student's own code, passed in as arguments.
"""

from ._live import LiveFigure, explorer_box

__all__ = ["LiveFigure", "explorer_box"]
