"""The concept questions of a notebook, read from its markdown and its grade cells, and how well
answering by the options' shape alone would score.

A letter question is a markdown paragraph starting ``**Q<n>.**`` followed by option lines
``* **a)** text``; its key is the letter given to ``grade_choice("answer_q<n>", answer_q<n>, "x", …)``
in a grade cell. A "which are true?" question is graded statement by statement with
``grade_statement("answer_q<n>", answer_q<n>, "a", True, …)``. A strategy that reads only the
options' shape (the longest, the most words, a fixed letter, …) should score at chance.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import nbtools

_QUESTION = re.compile(r"\*\*Q(\d+)\.\*\*")
_OPTION = re.compile(r"^\s*[*-]\s+\*\*([a-h])\)\*\*\s+(.+?)\s*$", re.MULTILINE)
_CHOICE_KEY = re.compile(r"grade_choice\(\s*\"answer_q(\d+)\"\s*,\s*answer_q\d+\s*,\s*\"([a-h])\"")
_STATEMENT_KEY = re.compile(r"grade_statement\(\s*\"answer_q(\d+)\"\s*,\s*answer_q\d+\s*,\s*\"([a-h])\"\s*,\s*(True|False)")
# the format before issue 7, so that the old notebooks can be measured too
_OLD_KEY = re.compile(r"answer_q(\d+)\.strip\(\)\.lower\(\)\s*==\s*\"([a-h])\"")


@dataclass
class Question:
    number: int
    options: dict[str, str]
    key: str = ""                                              # letter questions
    truths: dict[str, bool] = field(default_factory=dict)      # statement questions


def read_questions(nb: dict) -> list[Question]:
    """Every concept question of a notebook that has options, with its key or its statements' truths."""
    questions: dict[int, Question] = {}
    for cell in nb["cells"]:
        text = nbtools.source_text(cell)
        if cell["cell_type"] == "markdown":
            for block in re.split(r"(?=\*\*Q\d+\.\*\*)", text):
                head = _QUESTION.match(block.strip())
                options = dict(_OPTION.findall(block))
                if head and options:
                    questions[int(head.group(1))] = Question(int(head.group(1)), options)
        elif cell["cell_type"] == "code":
            for number, letter in _CHOICE_KEY.findall(text) + _OLD_KEY.findall(text):
                if int(number) in questions:
                    questions[int(number)].key = letter
            for number, letter, truth in _STATEMENT_KEY.findall(text):
                if int(number) in questions:
                    questions[int(number)].truths[letter] = truth == "True"
    return [q for _, q in sorted(questions.items()) if q.key or q.truths]


def _words(text: str) -> int:
    return len(text.split())


STRATEGIES = {
    "longest": lambda opts: max(opts, key=lambda k: (len(opts[k]), k)),
    "most words": lambda opts: max(opts, key=lambda k: (_words(opts[k]), k)),
    "shortest": lambda opts: min(opts, key=lambda k: (len(opts[k]), k)),
    "first": lambda opts: sorted(opts)[0],
    "last": lambda opts: sorted(opts)[-1],
    **{f"always {c}": (lambda c: lambda opts: c if c in opts else sorted(opts)[0])(c) for c in "abcd"},
}
# For "which are true?": mark true the statements longer than the question's median, or all, or none.
STATEMENT_STRATEGIES = {
    "longer half true": lambda opts: {k for k in opts if len(opts[k]) > sorted(map(len, opts.values()))[len(opts) // 2 - 1]},
    "all true": lambda opts: set(opts),
    "none true": lambda opts: set(),
}


def strategy_scores(questions: list[Question]) -> dict[str, tuple[float, float]]:
    """For each strategy: (expected score at chance, score) in points, one point per question."""
    letter = [q for q in questions if q.key]
    statements = [q for q in questions if q.truths]
    chance_letter = sum(1 / len(q.options) for q in letter)
    scores = {}
    for name, pick in STRATEGIES.items():
        scores[name] = (chance_letter, float(sum(pick(q.options) == q.key for q in letter)))
    for name, pick in STATEMENT_STRATEGIES.items():
        got = 0.0
        for q in statements:
            marked = pick(q.options)
            got += sum((k in marked) == truth for k, truth in q.truths.items()) / len(q.truths)
        scores[name] = (0.5 * len(statements), got)
    return scores
