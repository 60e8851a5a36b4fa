"""How well would answering the concept questions by their options' shape alone score?

For every graded notebook (or the notebooks under --tree), print each shape strategy's score next
to what chance gives, and the prose length of the notebook (words in markdown cells, with the
optional "Going further" sections counted apart).

    .venv/bin/python benchmarks/question_strategies.py             # source/
    .venv/bin/python benchmarks/question_strategies.py --tree DIR  # e.g. an older copy of source/
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.grading import nbtools  # noqa: E402
from course.grading.questions import read_questions, strategy_scores  # noqa: E402


def words_of(text: str) -> int:
    """Words a student reads: display maths and tables left out, inline maths counted as one word."""
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$", " x ", text)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
    return len(text.split())


def prose_words(nb: dict) -> tuple[int, int]:
    """(required, optional) words of prose a student reads: markdown cells, not the hidden model
    answers of written questions, optional ones under a 'Going further' heading."""
    required = optional = 0
    in_optional = False
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown" or nbtools.nbgrader_meta(cell).get("solution"):
            continue
        text = nbtools.source_text(cell)
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        if first.startswith("#"):
            in_optional = "going further" in first.lower()
        words = words_of(text)
        if in_optional or "**Going further" in first:
            optional += words
        else:
            required += words
    return required, optional


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=nbtools.SOURCE)
    args = parser.parse_args()
    totals: dict[str, list[float]] = {}
    for folder in sorted(p for p in args.tree.iterdir() if p.is_dir()):
        notebooks = sorted(folder.glob("*.ipynb"))
        if len(notebooks) != 1:
            continue
        nb = nbtools.read(notebooks[0])
        questions = read_questions(nb)
        required, optional = prose_words(nb)
        print(f"{folder.name}: {len(questions)} option questions "
              f"({sum(bool(q.key) for q in questions)} letter, {sum(bool(q.truths) for q in questions)} statements); "
              f"prose {required} words (+{optional} optional)")
        if not questions:
            continue
        for name, (chance, got) in strategy_scores(questions).items():
            if chance:
                totals.setdefault(name, [0.0, 0.0])
                totals[name][0] += chance
                totals[name][1] += got
                print(f"    {name:<17} {got:4.1f}   (chance {chance:4.2f})")
    print("all notebooks:")
    for name, (chance, got) in totals.items():
        print(f"    {name:<17} {got:4.1f}   (chance {chance:4.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
