"""A persistent figure for the explorers: built once, redrawn by updating its artists.

Every explorer shows its matplotlib figure through a :class:`LiveFigure`: the figure and its
artists (lines, images, texts) are made once; a control's callback changes their data
(``line.set_data``, ``image.set_data``, ``text.set_text``...) and calls :meth:`LiveFigure.redraw`,
which renders the figure with Agg and sends the PNG to an ``ipywidgets.Image``. Nothing is
rebuilt, no ``pyplot`` figure is created, and the browser swaps one image.

Artists that change on every move are registered with :meth:`LiveFigure.track`: the rest of the
figure (axes, ticks, labels, fixed data) is rendered once and kept as a background, and a redraw
pastes the background and draws only the tracked artists on it (blitting). On this two-core
machine that is about 10 ms of drawing and 5 ms of PNG encoding (:func:`encode_png`) for a
900 x 360 figure, against 60 ms for a full draw and 150 ms or more for rebuilding the figure.
Text is the slowest artist to draw (a few ms a line): keep changing numbers in the caption where
you can, and images as uint8 RGBA (colour-mapped once by you, not by Agg on every draw). When something else changes
(axis limits, a fixed artist), call ``redraw(full=True)``.

The browser tests and ``benchmarks/widget_latency.py`` find the parts by their CSS classes:
``course-explorer`` (the whole explorer), ``course-figure`` (the image) and ``course-caption``
(the one-line text description under the figure, for screen readers and for everyone).
"""
from __future__ import annotations

import html
import struct
import zlib

import numpy as np

__all__ = ["LiveFigure", "explorer_box", "problem_message"]


class LiveFigure:
    """A matplotlib figure shown as a PNG in an ``ipywidgets.Image``, with a caption under it.

    ``fig`` is a plain :class:`matplotlib.figure.Figure` (not registered with pyplot, so it never
    shows up twice and is never closed by ``plt.close``). Draw into ``fig``'s axes once, keep the
    artists, then change them and call :meth:`redraw`.
    """

    def __init__(self, figsize=(10, 4), dpi: int = 90, description: str = "", freeze_layout: bool = True,
                 **subplots):
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=figsize, dpi=dpi, layout=subplots.pop("layout", "constrained"))
        FigureCanvasAgg(self.fig)
        self.axes = self.fig.subplots(**subplots) if subplots else None
        width = int(round(figsize[0] * dpi))
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        self.image.add_class("course-figure")
        self.caption = widgets.HTML()
        self.caption.add_class("course-caption")
        self.widget = widgets.VBox([self.image, self.caption])
        self.describe(description)
        self.redraws = 0
        self.freeze_layout = freeze_layout
        self._tracked: list = []
        self._background = None
        self._notice = None

    def track(self, *artists):
        """Mark artists that change between redraws: they are drawn over a cached background.
        Returns the first artist, so ``line = live.track(ax.plot(...)[0])`` reads naturally."""
        for artist in artists:
            artist.set_animated(True)
            self._tracked.append(artist)
        self._background = None
        return artists[0] if artists else None

    def untrack(self, *artists):
        """Stop tracking artists (removed or now fixed); the next redraw is a full one."""
        for artist in artists:
            if artist in self._tracked:
                self._tracked.remove(artist)
                artist.set_animated(False)
        self._background = None

    def notice(self, text: str | None) -> None:
        """Show ``text`` in a box over the middle of the figure (e.g. "Write sigmoid above first"),
        or hide the box with ``None``. It is drawn over everything else; call :meth:`redraw` after."""
        if self._notice is None:
            if text is None:
                return
            self._notice = self.fig.text(0.5, 0.5, "", ha="center", va="center", fontsize=12, wrap=True,
                                         bbox=dict(boxstyle="round,pad=0.6", facecolor="white",
                                                   edgecolor="#D55E00", linewidth=1.5), zorder=10)
            self._notice.set_animated(True)
        self._notice.set_text(text or "")
        self._notice.set_visible(text is not None)

    @property
    def notice_shown(self) -> bool:
        """Whether the notice box is showing (see :meth:`notice`)."""
        return self._notice is not None and self._notice.get_visible()

    def describe(self, text: str) -> None:
        """Set the one-line description under the figure (what it shows, in words)."""
        self.caption.value = f'<p role="note" style="margin:2px 0;font-size:0.9em">{html.escape(text)}</p>'

    @property
    def description(self) -> str:
        return html.unescape(self.caption.value.split(">", 1)[1].rsplit("<", 1)[0])

    def png(self, full: bool = False) -> bytes:
        """The figure as it is now, rendered by Agg and encoded quickly (compression level 1).

        Only the tracked artists are drawn, over the cached background, unless ``full`` or there
        is no background yet."""
        canvas = self.fig.canvas
        if full or self._background is None:
            canvas.draw()  # tracked (animated) artists are left out of this
            if self.freeze_layout and self.redraws == 0:
                # the layout is worked out once; later full redraws keep it (and its cost away)
                self.fig.set_layout_engine("none")
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._tracked:
            if artist.get_visible() and artist.figure is not None:
                self.fig.draw_artist(artist)
        if self._notice is not None and self._notice.get_visible():
            self.fig.draw_artist(self._notice)
        return encode_png(np.asarray(self.fig.canvas.buffer_rgba()))

    def redraw(self, description: str | None = None, full: bool = False) -> None:
        """Show the figure as it is now (and a new description, if given). ``full=True`` after
        changing anything that is not tracked: axis limits, ticks, labels, fixed artists."""
        if description is not None:
            self.describe(description)
        self.image.value = self.png(full=full)
        self.redraws += 1


def encode_png(rgba: np.ndarray) -> bytes:
    """An ``(H, W, 4)`` uint8 image as PNG bytes (RGB, no row filters, zlib level 1).

    Pillow's PNG writer tries a filter per row and takes about 50 ms for a 900 x 360 figure on
    this machine; plain rows with fast zlib take about 10 ms and are about as small for plots
    (flat colours). The format is the PNG spec's minimum: signature, IHDR, one IDAT, IEND."""
    height, width = rgba.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # each row: filter byte 0, then RGB
    rows[:, 1:].reshape(height, width, 3)[...] = rgba[..., :3]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
            + chunk(b"IEND", b""))


def problem_message(error: BaseException, functions: str) -> str:
    """What to tell a learner when their code (``functions``, e.g. "dense_forward and sigmoid")
    raised ``error`` while an explorer ran it: what to write first for an unwritten stub, else
    the error in one line (no traceback) and where to look."""
    several = " and " in functions or "," in functions
    its, they = ("their", "they pass") if several else ("its", "they pass")
    if isinstance(error, NotImplementedError):
        return f"Write {functions} above first and run {its} {'cells' if several else 'cell'}, then run this cell again."
    detail = str(error).strip().splitlines()[0][:120] if str(error).strip() else ""
    return (f"Your code ({functions}) raised {type(error).__name__}" + (f": {detail}" if detail else "") +
            f". Run {its} check cells above to find the problem; once {they}, run this cell again.")


def explorer_box(controls, live: LiveFigure, *extra):
    """The explorer's layout: rows of controls above the live figure and its caption.

    ``controls`` is a list of rows, each a list of widgets (or a single widget). Returns the
    ``VBox``, marked with the CSS class ``course-explorer``.
    """
    import ipywidgets as widgets

    rows = [widgets.HBox(row) if isinstance(row, (list, tuple)) else row for row in controls]
    box = widgets.VBox([*rows, live.widget, *extra])
    box.add_class("course-explorer")
    return box
