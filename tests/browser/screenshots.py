"""Screenshots of every notebook's explorer, as a learner sees it after "Run All Cells".

    make screenshots                        # or: .venv/bin/python tests/browser/screenshots.py [--out DIR]

Starts JupyterLab on a temporary copy of the course, opens each source notebook in Debian's
chromium, runs all cells and saves each explorer (the ``.course-explorer`` element: controls,
figure and caption) as ``docs/screenshots/<assignment>.png`` (``<assignment>-2.png`` for a second
explorer in one notebook). The README's "What it looks like" section shows them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402

OUT = lab.ROOT / "docs" / "screenshots"


# The explorer's box spans the notebook's width; the picture keeps what is drawn in it: the union
# of the controls, the figure and the caption's text (its text nodes' boxes, as the caption's block is full width).
_CONTENT_BOX = """(root) => {
  const rects = [...root.querySelectorAll('img, .widget-label, .slider-container, .widget-readout, select, button, '
                                          + 'input, .widget-toggle-buttons, .widget-select-multiple, .widget-html-content')]
    .filter(e => e.offsetParent !== null && !e.closest('.course-caption')).map(e => e.getBoundingClientRect());
  const caption = root.querySelector('.course-caption');
  const walker = caption ? document.createTreeWalker(caption, NodeFilter.SHOW_TEXT) : null;
  while (walker && walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    rects.push(...range.getClientRects());
  }
  const box = root.getBoundingClientRect();
  const visible = rects.filter(r => r.width > 0 && r.height > 0);
  const pad = 6;
  const right = Math.min(box.right, Math.max(...visible.map(r => r.right)) + pad);
  const bottom = Math.min(box.bottom, Math.max(...visible.map(r => r.bottom)) + pad);
  return {x: box.left, y: box.top, width: right - box.left, height: bottom - box.top};
}"""


def shoot(page: lab.Lab, assignment: str, out: Path) -> list[Path]:
    """Save every explorer of the notebook open in ``page`` (already run); returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    explorers = page.page.locator(f".jp-NotebookPanel {lab.EXPLORER}")
    for index in range(explorers.count()):
        element = explorers.nth(index)
        element.scroll_into_view_if_needed()
        # the page has settled when the figure is decoded; take the picture at the next frame
        element.locator(lab.FIGURE_IMG).first.evaluate("img => img.decode()")
        page.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        path = out / (f"{assignment}.png" if index == 0 else f"{assignment}-{index + 1}.png")
        page.page.screenshot(path=str(path), clip=element.evaluate(_CONTENT_BOX), animations="disabled")
        files.append(path)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNG files (default: docs/screenshots)")
    parser.add_argument("notebooks", nargs="*", help="assignments to shoot, e.g. 01_forward_pass (default: all)")
    args = parser.parse_args()
    missing = lab.browser_missing()
    if missing:
        print(f"Screenshots need {missing}.")
        return 2
    chosen = [n for n in lab.NOTEBOOKS if not args.notebooks or n.split("/")[0] in args.notebooks]
    with lab.run_source_notebooks(chosen, prefix="screenshots-") as notebooks:
        for assignment, page in notebooks:
            for path in shoot(page, assignment, args.out):
                print(f"{assignment:<26} {path.relative_to(lab.ROOT) if path.is_relative_to(lab.ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
