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
    # "squared error and cross-entropy have similar slopes" true.
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
}
