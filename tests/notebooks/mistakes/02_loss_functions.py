"""Simulated students for 02_loss_functions: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: a mistake costs the points of its own function only.
"""

STUDENTS = {
    # The formulas straight from the page: a sum instead of a mean, no clipping in BCE, no
    # max-subtraction in softmax, and cross-entropy as the log of the softmax (fine for small
    # scores, -inf at ±1000). Q1 believes a sum and a mean train the same.
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
        },
        "fails": {"test_mse_values", "test_mse_batch", "test_mse_hidden", "test_bce_extremes", "test_bce_hidden",
                  "test_softmax_stable", "test_softmax_hidden", "test_ce_logsumexp", "test_ce_hidden", "test_q1"},
    },
    # Axis slips: MSE averaged per column, softmax normalised over the batch (axis 0) instead of
    # over the classes, and cross-entropy returning the per-example losses instead of their mean.
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
                  "test_ce_logsumexp", "test_ce_hidden", "test_q3"},
    },
    # Indexing and side effects: the true-class scores picked with scores[:, y] (an (N, N) array),
    # a softmax that shifts the caller's array in place, and BCE clipped with Keras's 1e-7.
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
            "q4": 'answer_q4 = "a"\n',
        },
        # (test_ce_logsumexp passes: all its labels are equal, so scores[:, y] happens to be right there.)
        "fails": {"test_bce_extremes", "test_bce_hidden", "test_softmax_hidden", "test_ce_batch", "test_ce_stable",
                  "test_ce_hidden", "test_q4"},
    },
    # Sums and a global maximum: BCE and cross-entropy summed over the batch, and a softmax that
    # subtracts the maximum of the whole array (0 / 0 for a row far below the others).
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
        },
        "fails": {"test_bce_values", "test_bce_extremes", "test_bce_hidden", "test_softmax_stable",
                  "test_softmax_hidden", "test_ce_batch", "test_ce_stable", "test_ce_logsumexp", "test_ce_hidden",
                  "test_q2"},
    },
}
