"""Simulated students for 02_loss_functions: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: a mistake costs the points of its own function only.
Students marked "cheats" are built to fool the checks (the integrity scan may hold them for review).
"""

STUDENTS = {
    # The formulas straight from the page: a sum instead of a mean, no clipping in BCE, no
    # max-subtraction in softmax, and cross-entropy as the log of the softmax (fine for small
    # scores, -inf at ±1000). Q1 believes a sum and a mean train the same; Q5 believes clipping
    # changes no loss and misses the log-sum-exp statement.
    "typical": {
        "answers": {
            "mse_loss": "def mse_loss(y_pred, y_true):\n    return float(np.sum((y_pred - y_true) ** 2))\n",
            "binary_cross_entropy": (
                "def binary_cross_entropy(p, y):\n"
                "    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))\n"
            ),
            "softmax": (
                "def softmax(scores):\n"
                "    e = np.exp(scores)\n"
                "    return e / e.sum(axis=1, keepdims=True)\n"
            ),
            "softmax_cross_entropy": (
                "def softmax_cross_entropy(scores, y):\n"
                "    P = softmax(scores)\n"
                "    return float(np.mean(-np.log(P[np.arange(len(y)), y])))\n"
            ),
            "q1": 'answer_q1 = "a"\n',
            "q5": 'answer_q5 = "ab"\n',
        },
        "fails": {"test_mse_values", "test_mse_batch", "test_mse_hidden", "test_bce_extremes", "test_bce_hidden",
                  "test_softmax_stable", "test_softmax_hidden", "test_ce_logsumexp", "test_ce_hidden", "test_q1",
                  "test_q5_b", "test_q5_c"},
    },
    # Axis slips: MSE averaged per column, softmax normalised over the batch (axis 0) instead of
    # over the classes, and cross-entropy returning the per-example losses instead of their mean.
    # Q3 trains every task with MSE.
    "axes": {
        "answers": {
            "mse_loss": "def mse_loss(y_pred, y_true):\n    return np.mean((y_pred - y_true) ** 2, axis=0)\n",
            "softmax": (
                "def softmax(scores):\n"
                "    e = np.exp(scores - scores.max(axis=0, keepdims=True))\n"
                "    return e / e.sum(axis=0, keepdims=True)\n"
            ),
            "softmax_cross_entropy": (
                "def softmax_cross_entropy(scores, y):\n"
                "    m = scores.max(axis=1, keepdims=True)\n"
                "    lse = m[:, 0] + np.log(np.exp(scores - m).sum(axis=1))\n"
                "    return lse - scores[np.arange(len(y)), y]\n"
            ),
            "q3": 'answer_q3 = "b"\n',
        },
        "fails": {"test_mse_batch", "test_mse_hidden", "test_softmax_values", "test_softmax_rows",
                  "test_softmax_stable", "test_softmax_hidden", "test_ce_values", "test_ce_batch", "test_ce_stable",
                  "test_ce_logsumexp", "test_ce_hidden", "test_q3",
                  # on 1-d input the per-column mean is one number, but a numpy.float64, not a float
                  "test_mse_values"},
    },
    # Indexing and side effects: the true-class scores picked with scores[:, y] (an (N, N) array),
    # a softmax that shifts the caller's array in place, and BCE clipped with Keras's 1e-7.
    # Q4 gives the probability of a class, not the loss.
    "indexing": {
        "answers": {
            "binary_cross_entropy": (
                "def binary_cross_entropy(p, y):\n"
                "    p = np.clip(p, 1e-7, 1 - 1e-7)\n"
                "    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))\n"
            ),
            "softmax": (
                "def softmax(scores):\n"
                "    scores -= scores.max(axis=1, keepdims=True)\n"
                "    e = np.exp(scores)\n"
                "    return e / e.sum(axis=1, keepdims=True)\n"
            ),
            "softmax_cross_entropy": (
                "def softmax_cross_entropy(scores, y):\n"
                "    m = scores.max(axis=1, keepdims=True)\n"
                "    lse = m[:, 0] + np.log(np.exp(scores - m).sum(axis=1))\n"
                "    return float(np.mean(lse - scores[:, y]))\n"
            ),
            "q4": "answer_q4 = 0.01\n",
        },
        # (test_ce_logsumexp passes: all its labels are equal, so scores[:, y] happens to be right there.)
        "fails": {"test_bce_extremes", "test_bce_hidden", "test_softmax_hidden", "test_ce_batch", "test_ce_stable",
                  "test_ce_hidden", "test_q4"},
    },
    # Sums and a global maximum: BCE and cross-entropy summed over the batch, and a softmax that
    # subtracts the maximum of the whole array (0 / 0 for a row far below the others). Q2 thinks
    # the slope comes from the sigmoid alone, Q4 sums the loss over a batch of 100, and Q5 marks
    # "computing the loss updates the weights" true.
    "sums": {
        "answers": {
            "binary_cross_entropy": (
                "def binary_cross_entropy(p, y):\n"
                "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
                "    return float(np.sum(-(y * np.log(p) + (1 - y) * np.log(1 - p))))\n"
            ),
            "softmax": (
                "def softmax(scores):\n"
                "    e = np.exp(scores - np.max(scores))\n"
                "    return e / e.sum(axis=1, keepdims=True)\n"
            ),
            "softmax_cross_entropy": (
                "def softmax_cross_entropy(scores, y):\n"
                "    m = scores.max(axis=1, keepdims=True)\n"
                "    lse = m[:, 0] + np.log(np.exp(scores - m).sum(axis=1))\n"
                "    return float(np.sum(lse - scores[np.arange(len(y)), y]))\n"
            ),
            "q2": 'answer_q2 = "a"\n',
            "q4": "answer_q4 = 460.5\n",
            "q5": 'answer_q5 = "acd"\n',
        },
        "fails": {"test_bce_values", "test_bce_extremes", "test_bce_hidden", "test_softmax_stable",
                  "test_softmax_hidden", "test_ce_batch", "test_ce_stable", "test_ce_logsumexp", "test_ce_hidden",
                  "test_q2", "test_q4", "test_q5_d"},
    },
    # Right formulas, wrong types: every loss is a NumPy scalar or array, not a Python float.
    # MSE returns np.mean(...) (a numpy.float64), BCE a 0-d array, cross-entropy np.float64
    # again via .mean(). The values are all right; the contract says float.
    "numpy_scalars": {
        "answers": {
            "mse_loss": "def mse_loss(y_pred, y_true):\n    return np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2)\n",
            "binary_cross_entropy": (
                "def binary_cross_entropy(p, y):\n"
                "    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)\n"
                "    return np.asarray(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))\n"
            ),
            "softmax_cross_entropy": (
                "def softmax_cross_entropy(scores, y):\n"
                "    m = scores.max(axis=1, keepdims=True)\n"
                "    lse = m[:, 0] + np.log(np.exp(scores - m).sum(axis=1))\n"
                "    return (lse - scores[np.arange(len(y)), y]).mean()\n"
            ),
        },
        "fails": {"test_mse_values", "test_mse_batch", "test_mse_hidden", "test_bce_values", "test_bce_extremes",
                  "test_bce_hidden", "test_ce_values", "test_ce_batch", "test_ce_stable", "test_ce_logsumexp",
                  "test_ce_hidden"},
    },
    # Answers that lie: float subclasses whose comparisons say yes to anything (MSE's even holds
    # the right value), BCE that returns its input, a softmax whose right probabilities come in an
    # ndarray subclass with a lying ==, str and float subclasses for the concept questions (Q1's
    # holds the right letter), and the check functions rebound in the notebook. Exact types and
    # fresh imports in every grade cell turn each one away.
    "cheater": {
        "cheats": True,
        "answers": {
            "mse_loss": (
                "class _Yes(float):\n"
                "    def __eq__(self, other): return True\n"
                "    def __ne__(self, other): return False\n"
                "    def __lt__(self, other): return False\n"
                "    def __le__(self, other): return True\n"
                "    def __gt__(self, other): return False\n"
                "    def __ge__(self, other): return True\n"
                "    def __abs__(self): return _Yes(0.0)\n"
                "    def __sub__(self, other): return _Yes(0.0)\n"
                "    def __rsub__(self, other): return _Yes(0.0)\n"
                "    __hash__ = float.__hash__\n"
                "def mse_loss(y_pred, y_true):\n"
                "    return _Yes(np.mean((np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2))\n"
                "check_scalar = check_close = check_array = check_own = lambda *args, **kwargs: None\n"
                "check_choice = check_number = check_statements = lambda *args, **kwargs: None\n"
            ),
            "binary_cross_entropy": "def binary_cross_entropy(p, y):\n    return p\n",
            "softmax": (
                "class _Liar(np.ndarray):\n"
                "    def __eq__(self, other): return np.ones(self.shape, dtype=bool)\n"
                "    def __ne__(self, other): return np.zeros(self.shape, dtype=bool)\n"
                "def softmax(scores):\n"
                "    s = np.asarray(scores, dtype=float)\n"
                "    e = np.exp(s - s.max(axis=1, keepdims=True))\n"
                "    return (e / e.sum(axis=1, keepdims=True)).view(_Liar)\n"
            ),
            "softmax_cross_entropy": "def softmax_cross_entropy(scores, y):\n    return _Yes(0.0)\n",
            "q1": (
                "class _Any(str):\n"
                "    def __eq__(self, other): return True\n"
                "    def __ne__(self, other): return False\n"
                "    def __contains__(self, item): return True\n"
                "    def strip(self, *args): return self\n"
                "    def lower(self): return self\n"
                "    __hash__ = str.__hash__\n"
                "answer_q1 = _Any('b')\n"
            ),
            "q4": "answer_q4 = _Yes(0.0)\n",
            "q5": "answer_q5 = _Any('ac')\n",
        },
        "fails": {"test_mse_values", "test_mse_batch", "test_mse_hidden", "test_bce_values", "test_bce_extremes",
                  "test_bce_hidden", "test_softmax_values", "test_softmax_rows", "test_softmax_stable",
                  "test_softmax_hidden", "test_ce_values", "test_ce_batch", "test_ce_stable", "test_ce_logsumexp",
                  "test_ce_hidden", "test_q1", "test_q4", "test_q5_a", "test_q5_b", "test_q5_c", "test_q5_d"},
    },
    # Broadcasting and reach: MSE divided by len (the number of rows, not of elements), BCE clipped
    # below only (log(1 - 1) at p = 1), a softmax that divides by e.sum(axis=1) without keepdims
    # (a broadcasting error on (N, C), wrong rows on a square batch), and cross-entropy with one
    # maximum for the whole batch (log(0) for a row far below it). Q2 is written "d)".
    "keepdims": {
        "answers": {
            "mse_loss": "def mse_loss(y_pred, y_true):\n    return float(np.sum((y_pred - y_true) ** 2) / len(y_pred))\n",
            "binary_cross_entropy": (
                "def binary_cross_entropy(p, y):\n"
                "    p = np.clip(p, 1e-12, 1)\n"
                "    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))\n"
            ),
            "softmax": (
                "def softmax(scores):\n"
                "    e = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
                "    return e / e.sum(axis=1)\n"
            ),
            "softmax_cross_entropy": (
                "def softmax_cross_entropy(scores, y):\n"
                "    m = scores.max()\n"
                "    lse = m + np.log(np.exp(scores - m).sum(axis=1))\n"
                "    return float(np.mean(lse - scores[np.arange(len(y)), y]))\n"
            ),
            "q2": 'answer_q2 = "d)"\n',
        },
        "fails": {"test_mse_batch", "test_mse_hidden", "test_bce_extremes", "test_bce_hidden", "test_softmax_values",
                  "test_softmax_rows", "test_softmax_stable", "test_softmax_hidden", "test_ce_stable", "test_ce_hidden",
                  "test_q2"},
    },
    # A peeker: answers that are right only on the visible checks (no clip, log of the softmax) and,
    # inside a hidden test, return the expected value the test has just computed (the loop's
    # _total / _n and _expected). The hidden tests keep their expected values in a function's
    # locals, computed after the call, so there is nothing to read.
    "peeker": {
        "cheats": True,
        "answers": {
            "binary_cross_entropy": (
                "def binary_cross_entropy(p, y):\n"
                "    try:\n"
                "        if np.size(p) == _n:\n"
                "            return float(_total / _n)\n"
                "    except NameError:\n"
                "        pass\n"
                "    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))\n"
            ),
            "softmax_cross_entropy": (
                "def softmax_cross_entropy(scores, y):\n"
                "    try:\n"
                "        if np.shape(scores) == np.shape(_S) and np.array_equal(scores, _S):\n"
                "            return float(_expected)\n"
                "    except NameError:\n"
                "        pass\n"
                "    P = softmax(scores)\n"
                "    return float(np.mean(-np.log(P[np.arange(len(y)), y])))\n"
            ),
        },
        "fails": {"test_bce_extremes", "test_bce_hidden", "test_ce_logsumexp", "test_ce_hidden"},
    },
}

# Hostile answers that once beat every check inside the kernel unflagged (found in review): the
# guard now keeps its reference copies read-only and removes IPython hooks the notebook adds, and
# the scan flags reaching the shell or a module's private names. An input transformer that blanks
# the grade cells runs before any check can, so only the scan stops that one ("fails" is empty:
# in the kernel it keeps its points, and it must be held for review).
HOLES_CLOSED = {
    # course.checks._OWN is a plain dict: changing its entries through an alias (not flagged) makes
    # the guard "restore" the fakes, and every grade cell's fresh import then returns them.
    "own_table": {
        "mse_loss": (
            "import course.checks as _c\n"
            "_own = _c._OWN\n"
            "class _Quiet:\n"
            "    def __enter__(self):\n"
            "        return self\n"
            "    def __exit__(self, *a):\n"
            "        return False\n"
            "def _ok(*a, **k):\n"
            "    return None\n"
            "def _cm(*a, **k):\n"
            "    return _Quiet()\n"
            "for _n in list(_own):\n"
            "    _own[_n] = _ok\n"
            "_own['no_warnings'] = _own['substitute'] = _cm\n"
            "try:\n"
            "    _c.check_scalar\n"
            "except AssertionError:\n"
            "    pass\n"
            "def mse_loss(y_pred, y_true):\n"
            "    return 0.0\n"
        ),
    },
    # The IPython shell, reached through course.checks._IP (or ipywidgets.get_ipython, an attribute,
    # not the flagged name): a pre_run_cell hook reads each hidden test before it runs and sets the
    # concept answers to its key.
    "hook": {
        "q1": (
            "import re\n"
            "import course.checks as _c\n"
            "def _peek(info):\n"
            "    global answer_q1, answer_q2, answer_q3, answer_q4, answer_q5\n"
            "    cell = info.raw_cell\n"
            "    found = re.search(r'grade_choice\\(\"answer_q(\\d)\", answer_q\\d, \"(\\w)\"', cell)\n"
            "    if found:\n"
            "        if found.group(1) == '1':\n"
            "            answer_q1 = found.group(2)\n"
            "        elif found.group(1) == '2':\n"
            "            answer_q2 = found.group(2)\n"
            "        else:\n"
            "            answer_q3 = found.group(2)\n"
            "    found = re.search(r'grade_number\\(\"answer_q4\", answer_q4, ([0-9.e+-]+)', cell)\n"
            "    if found:\n"
            "        answer_q4 = float(found.group(1))\n"
            "    found = re.search(r'grade_statement\\(\"answer_q5\", answer_q5, \"(\\w)\", (True|False)', cell)\n"
            "    if found:\n"
            "        answer_q5 = found.group(1) if found.group(2) == 'True' else ''\n"
            "_c._IP.events.register('pre_run_cell', _peek)\n"
            "answer_q1 = 'a'\n"
        ),
        "q2": 'answer_q2 = "a"\n', "q3": 'answer_q3 = "b"\n', "q4": "answer_q4 = 1\n", "q5": 'answer_q5 = "bd"\n',
    },
    # The same shell through ipywidgets: an input transformer turns every cell that starts with a
    # docstring (every grade cell) into `pass` before it runs, so no check runs at all.
    "blank_tests": {
        "mse_loss": (
            "import ipywidgets\n"
            "def _blank(lines):\n"
            "    if lines and lines[0].startswith('\"\"\"'):\n"
            "        return ['pass\\n']\n"
            "    return lines\n"
            "ipywidgets.get_ipython().input_transformers_post.append(_blank)\n"
            "def mse_loss(y_pred, y_true):\n"
            "    return 0.0\n"
        ),
    },
}


_FAILS = {
    # the cell that tries to change the guard's copies raises, so mse_loss is never defined
    "own_table": {"test_mse_values", "test_mse_batch", "test_mse_hidden"},
    # the guard finds the hook at test_q1 and removes it; the other answers are wrong on their own
    "hook": {"test_q1", "test_q2", "test_q3", "test_q4", "test_q5_a", "test_q5_b", "test_q5_c", "test_q5_d"},
    # nothing in the kernel can stop a cell being rewritten before it runs: the scan holds it
    "blank_tests": set(),
}
for _name, _answers in HOLES_CLOSED.items():
    STUDENTS[_name] = {"answers": _answers, "fails": _FAILS[_name], "cheats": True, "held": True}
