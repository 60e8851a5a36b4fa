"""Concept questions cannot be answered from their options' shape.

Read from every graded notebook (course.grading.questions): each has three or more letter
questions, a question whose answer is computed, and a "which are true?" question graded statement
by statement; the options of a question are alike in length; keys are spread over the letters;
and no shape strategy (longest, most words, shortest, first, last, a fixed letter; for statements,
"the longer ones are true", all, none) does better than chance, in any notebook or overall.
"""
from __future__ import annotations

import math
import re

import pytest

from conftest import GRADED
from course.grading import nbtools
from course.grading.questions import Question, read_questions, strategy_scores


def _questions(assignment: str) -> list[Question]:
    return read_questions(nbtools.read(nbtools.notebook_path(assignment)))


@pytest.mark.parametrize("assignment", GRADED)
def test_every_kind_of_question_is_there(assignment):
    questions = _questions(assignment)
    letters = [q for q in questions if q.key]
    statements = [q for q in questions if q.truths]
    assert len(letters) >= 3, f"{assignment}: {len(letters)} letter questions, expected 3 or more"
    assert statements, f"{assignment}: no 'which are true?' question graded statement by statement"
    for q in statements:
        assert set(q.truths) == set(q.options), f"{assignment} Q{q.number}: grade every statement, and only those"
        assert 0 < sum(q.truths.values()) < len(q.truths), f"{assignment} Q{q.number}: mix true and false statements"
    text = "".join(nbtools.source_text(c) for c in nbtools.read(nbtools.notebook_path(assignment))["cells"])
    assert re.search(r"grade_number\(", text), f"{assignment}: no question whose answer the student computes"


@pytest.mark.parametrize("assignment", GRADED)
def test_options_are_alike_in_length(assignment):
    for q in _questions(assignment):
        lengths = {k: len(v) for k, v in q.options.items()}
        mean = sum(lengths.values()) / len(lengths)
        odd = {k: n for k, n in lengths.items() if abs(n - mean) > 0.3 * mean}
        assert not odd, f"{assignment} Q{q.number}: options {odd} stray more than 30% from the mean length {mean:.0f}"


@pytest.mark.parametrize("assignment", GRADED)
def test_shape_strategies_score_at_chance(assignment):
    """Per notebook, a letter strategy may hit at most chance rounded up (at least one question);
    a statement strategy at most chance itself (half the statements), since true and false mix evenly."""
    questions = _questions(assignment)
    letters = [q for q in questions if q.key]
    statement_strategies = ("all true", "none true", "longer half true")
    for name, (chance, got) in strategy_scores(questions).items():
        allowed = chance if name in statement_strategies else max(1, math.ceil(chance))
        assert got <= allowed + 1e-9, f"{assignment}: picking '{name}' scores {got} where chance gives {chance:.2f}"
    assert len({q.key for q in letters}) >= min(3, len(letters)), f"{assignment}: keys {[q.key for q in letters]} bunch up"


def test_keys_are_spread_over_the_letters_across_the_course():
    keys = [q.key for a in GRADED for q in _questions(a) if q.key]
    if len(keys) < 8:
        pytest.skip("too few questions selected to judge the spread")
    for letter in "abcd":
        share = keys.count(letter) / len(keys)
        assert 0.15 <= share <= 0.35, f"the key is {letter!r} in {share:.0%} of the questions: {keys}"
    for name, (chance, got) in _course_totals().items():
        assert got <= chance * 1.25 + 0.5, f"across the course, '{name}' scores {got} where chance gives {chance:.1f}"


def _course_totals() -> dict[str, tuple[float, float]]:
    totals: dict[str, list[float]] = {}
    for assignment in GRADED:
        for name, (chance, got) in strategy_scores(_questions(assignment)).items():
            totals.setdefault(name, [0.0, 0.0])
            totals[name][0] += chance
            totals[name][1] += got
    return {k: (v[0], v[1]) for k, v in totals.items()}


def test_the_reader_finds_keys_in_both_formats():
    nb = {"cells": [
        {"cell_type": "markdown", "source": "**Q1.** Which?\n\n* **a)** one\n* **b)** two\n"},
        {"cell_type": "code", "source": 'grade_choice("answer_q1", answer_q1, "b", why={})'},
        {"cell_type": "markdown", "source": "**Q2.** True?\n* **a)** x\n* **b)** y\n"},
        {"cell_type": "code", "source": 'grade_statement("answer_q2", answer_q2, "a", True, why="")'},
        {"cell_type": "code", "source": 'grade_statement("answer_q2", answer_q2, "b", False, why="")'},
    ]}
    q1, q2 = read_questions(nb)
    assert (q1.key, q1.options) == ("b", {"a": "one", "b": "two"})
    assert q2.truths == {"a": True, "b": False}
    scores = strategy_scores([q1, q2])
    assert scores["always b"] == (0.5, 1.0) and scores["all true"] == (0.5, 0.5)
