"""The course package holds no answer to any graded exercise of any notebook.

Students get the whole package on day one, so an answer in it could be copied before its notebook
is due. Every graded function's reference solution (the source notebooks' answer cells) is run
on probe inputs next to every function and class importable from ``course``: none may share an
answer's name, and none may compute what an answer computes.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course  # noqa: E402
from course.grading import nbtools  # noqa: E402

_rng = np.random.default_rng(0)
_X = _rng.normal(size=(5, 3))
_params = {"W1": _rng.normal(size=(3, 4)), "b1": _rng.normal(size=4), "W2": _rng.normal(size=(4, 3)),
           "b2": _rng.normal(size=3)}
_y = np.array([0, 2, 1, 1, 0])
_scores = _rng.normal(size=(5, 3)) * 3
_Z = np.array([[-40.0, -2.0, 0.0], [1.5, 3.0, 700.0]])

# Probe inputs for each graded function of the contract (CURRICULUM.md), including its hard cases.
PROBES = {
    "sigmoid": [(_Z,), (np.array([-1000.0, -745.0, 1000.0]),)],
    "relu": [(_Z,)],
    "dense_forward": [(_X, _params["W1"], _params["b1"])],
    "mlp_forward": [(_X, _params), (_X, _params, "tanh")],
    "mse_loss": [(_scores, _scores[::-1])],
    "binary_cross_entropy": [(np.array([0.0, 0.3, 1.0]), np.array([0.0, 1.0, 1.0]))],
    "softmax": [(_scores,), (np.array([[1000.0, -1000.0, 0.0]]),)],
    "softmax_cross_entropy": [(_scores, _y), (np.array([[1000.0, -1000.0, 0.0]]), np.array([1]))],
    "numerical_gradient": [(lambda x: float(np.sum(np.sin(x))), np.array([0.3, -1.2]))],
    "relative_error": [(np.array([1.0, 2.0]), np.array([1.0, 2.5]))],
    "relu_backward": [(_Z * 0 + 1.0, _Z)],
    "sigmoid_backward": [(_Z * 0 + 1.0, _Z)],
    "tanh_backward": [(_Z * 0 + 1.0, _Z)],
    "dense_backward": [(_scores, _X, _params["W1"][:, :3])],
    "softmax_cross_entropy_backward": [(_scores, _y)],
    "mlp_loss_and_grads": [(_X, _y, _params)],
    "xavier_init": [(3, 4, "rng")],
    "he_init": [(3, 4, "rng")],
    "init_mlp": [([3, 4, 2], "rng")],
    "gradient_norms": [({"W1": np.ones((2, 2)), "b1": np.ones(2), "W2": 2 * np.ones((2, 1)), "b2": np.ones(1)},)],
    "clip_by_global_norm": [({"W1": 3 * np.ones((2, 2)), "b1": np.ones(2)}, 1.0)],
    "train_digits_classifier": [],
    "predict": [(_params, _X)],
}


def _course_objects() -> dict[str, object]:
    """Every function and class defined in the course package, by qualified name."""
    found = {}
    for info in pkgutil.walk_packages(course.__path__, "course."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (inspect.isfunction(value) or inspect.isclass(value)) and \
                    getattr(value, "__module__", "") == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    return found


def _graded_answers() -> dict[str, dict]:
    """assignment -> {name: object} for what its answer cells define."""
    answers = {}
    for assignment in nbtools.graded_assignments():
        namespace = nbtools.solution_namespace(assignment)
        nb = nbtools.read(nbtools.notebook_path(assignment))
        defined = set()
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and nbtools.nbgrader_meta(cell).get("solution"):
                for node in ast.parse(nbtools.source_text(cell)).body:
                    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                        defined.add(node.name)
        answers[assignment] = {name: namespace[name] for name in defined if name in namespace}
    return answers


ANSWERS = _graded_answers()
COURSE = _course_objects()


def _call(fn, args):
    args = tuple(np.random.default_rng(1) if isinstance(a, str) and a == "rng" else a for a in args)
    args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args)


def _same(a, b) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and len(a) > 0 and _same(a[0], b[0])
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        a_arr, b_arr = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a_arr.shape == b_arr.shape and a_arr.size > 0 and bool(np.allclose(a_arr, b_arr, rtol=1e-6, atol=1e-12))


def test_every_graded_answer_is_found():
    names = {name for defs in ANSWERS.values() for name in defs}
    assert {"sigmoid", "mlp_forward", "softmax_cross_entropy", "Value", "mlp_loss_and_grads", "Adam"} <= names


@pytest.mark.parametrize("assignment", sorted(ANSWERS))
def test_no_course_object_is_named_like_an_answer(assignment):
    clash = {q for q in COURSE if q.rsplit(".", 1)[1] in ANSWERS[assignment]}
    assert not clash, f"the course package defines {sorted(clash)}, named like answers of {assignment}"


@pytest.mark.parametrize("assignment", sorted(ANSWERS))
def test_no_course_function_computes_an_answer(assignment):
    copies = []
    for name, reference in ANSWERS[assignment].items():
        for args in PROBES.get(name, []):
            try:
                expected = _call(reference, args)
            except Exception:  # a same-named helper that is not the contract's function (03's Value.relu)
                continue
            for qualified, candidate in COURSE.items():
                # classes are judged by name; the grading tools run nbgrader and compute nothing numeric
                if inspect.isclass(candidate) or qualified.startswith("course.grading."):
                    continue
                try:
                    got = _call(candidate, args)
                except Exception:
                    continue
                finally:
                    plt.close("all")
                if _same(got, expected):
                    copies.append(f"{qualified} computes {assignment}'s {name}{tuple(type(a).__name__ for a in args)}")
    assert not copies, "the course package holds answers: " + "; ".join(copies)


def test_the_probes_tell_answers_apart():
    """A check that could not fail is no check: a copy of an answer placed in the package is caught."""
    sigmoid = ANSWERS["01_forward_pass"]["sigmoid"]
    for args in PROBES["sigmoid"]:
        assert _same(_call(sigmoid, args), _call(lambda z: np.exp(-np.logaddexp(0.0, -z)), args))
    assert not _same(_call(sigmoid, PROBES["sigmoid"][0]), _call(lambda z: np.tanh(z), PROBES["sigmoid"][0]))
