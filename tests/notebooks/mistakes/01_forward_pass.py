"""Simulated students for 01_forward_pass: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: a mistake costs the points of its own function only.
"""

STUDENTS = {
    # The obvious sigmoid overflows at -1000; relu zeroes the caller's array in place;
    # the activation is applied to the last layer too; Q1 believes the forward pass learns.
    "typical": {
        "answers": {
            "sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
            "relu": "def relu(z):\n    z[z < 0] = 0\n    return z\n",
            "mlp_forward": (
                "def mlp_forward(X, params, activation='relu'):\n"
                "    phi = {'relu': relu, 'sigmoid': sigmoid, 'tanh': np.tanh}[activation]\n"
                "    A, cache = X, []\n"
                "    for l in range(1, len(params) // 2 + 1):\n"
                "        Z = dense_forward(A, params[f'W{l}'], params[f'b{l}'])\n"
                "        cache.append((A, Z))\n"
                "        A = phi(Z)\n"
                "    return A, cache\n"
            ),
            "q1": 'answer_q1 = "a"\n',
        },
        "fails": {"test_sigmoid_stable", "test_sigmoid_hidden", "test_relu_hidden", "test_mlp_xor",
                  "test_mlp_activation", "test_mlp_hidden", "test_q1"},
    },
    # Shape slips: np.max instead of np.maximum, the product transposed, and the layers
    # visited in string order (W1, W10, W11, W2, ...), which only a deep network reveals.
    # Q2 believes depth alone bends the boundary.
    "shapes": {
        "answers": {
            "relu": "def relu(z):\n    return np.max(z, 0)\n",
            "dense_forward": "def dense_forward(X, W, b):\n    return W.T @ X.T + b[:, None]\n",
            "mlp_forward": (
                "def mlp_forward(X, params, activation='relu'):\n"
                "    phi = {'relu': relu, 'sigmoid': sigmoid, 'tanh': np.tanh}[activation]\n"
                "    names = sorted(k for k in params if k.startswith('W'))\n"
                "    A, cache = X, []\n"
                "    for i, name in enumerate(names):\n"
                "        Z = dense_forward(A, params[name], params['b' + name[1:]])\n"
                "        cache.append((A, Z))\n"
                "        A = phi(Z) if i < len(names) - 1 else Z\n"
                "    return A, cache\n"
            ),
            "q2": 'answer_q2 = "b"\n',
        },
        "fails": {"test_relu_values", "test_relu_hidden", "test_dense_shape", "test_dense_values",
                  "test_dense_hidden", "test_mlp_hidden", "test_q2"},
    },
    # mlp_forward ignores `activation` and always uses ReLU: the shape and XOR checks (ReLU)
    # pass, the hand-worked tanh/sigmoid check and the hidden tests do not. A sigmoid that
    # returns a 0-d array for a number. The multiply-adds without the batch; the cache believed
    # to hold the gradients; the statements marked by "backpropagation is gradient descent".
    "ignores_activation": {
        "answers": {
            "sigmoid": (
                "def sigmoid(z):\n"
                "    z = np.asarray(z, dtype=float)\n"
                "    e = np.exp(-np.abs(z))\n"
                "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n"
            ),
            "mlp_forward": (
                "def mlp_forward(X, params, activation='relu'):\n"
                "    A, cache = X, []\n"
                "    L = len(params) // 2\n"
                "    for l in range(1, L + 1):\n"
                "        Z = dense_forward(A, params[f'W{l}'], params[f'b{l}'])\n"
                "        cache.append((A, Z))\n"
                "        A = relu(Z) if l < L else Z\n"
                "    return A, cache\n"
            ),
            "q3": 'answer_q3 = "a"\n',
            "q4": "answer_q4 = 100 * 50 + 50 * 10\n",
            "q5": 'answer_q5 = "abd"\n',
        },
        "fails": {"test_sigmoid_values", "test_sigmoid_hidden", "test_mlp_activation", "test_mlp_hidden",
                  "test_q3", "test_q4", "test_q5_a"},
    },
    # Code that works on one number but not on an array: `if z >= 0:` in sigmoid and Python's max
    # in relu (the worked example's max(z, 0.0) on a scalar, copied); the bias reshaped to a column;
    # the number of layers read as len(params) (two entries per layer), so params["W2"] is missing;
    # Q4 computed with NumPy (np.int64, not a Python number). The checks catch the raw ValueError /
    # KeyError and say what to look at.
    "scalar_thinking": {
        "answers": {
            "sigmoid": (
                "def sigmoid(z):\n"
                "    if z >= 0:\n"
                "        return 1 / (1 + np.exp(-z))\n"
                "    return np.exp(z) / (1 + np.exp(z))\n"
            ),
            "relu": "def relu(z):\n    return max(z, 0.0)\n",
            "dense_forward": "def dense_forward(X, W, b):\n    return X @ W + b.reshape(-1, 1)\n",
            "mlp_forward": (
                "def mlp_forward(X, params, activation='relu'):\n"
                "    phi = {'relu': relu, 'sigmoid': sigmoid, 'tanh': np.tanh}[activation]\n"
                "    A, cache = X, []\n"
                "    L = len(params)\n"
                "    for l in range(1, L + 1):\n"
                "        Z = dense_forward(A, params[f'W{l}'], params[f'b{l}'])\n"
                "        cache.append((A, Z))\n"
                "        A = phi(Z) if l < L else Z\n"
                "    return A, cache\n"
            ),
            "q4": "answer_q4 = np.prod([32, 100, 50]) + np.prod([32, 50, 10])\n",
        },
        "fails": {"test_sigmoid_values", "test_sigmoid_stable", "test_sigmoid_hidden", "test_relu_values",
                  "test_relu_hidden", "test_dense_shape", "test_dense_values", "test_dense_hidden",
                  "test_mlp_shapes", "test_mlp_xor", "test_mlp_activation", "test_mlp_hidden", "test_q4"},
    },
    # The popular "clip the input" fix: no overflow, right limits, but sigmoid(-700) comes out as
    # sigmoid(-500) (the visible check at -700 says so). Scores and cache returned in the wrong order.
    "clipper": {
        "answers": {
            "sigmoid": "def sigmoid(z):\n    z = np.clip(z, -500.0, 500.0)\n    return 1 / (1 + np.exp(-z))\n",
            "mlp_forward": (
                "def mlp_forward(X, params, activation='relu'):\n"
                "    phi = {'relu': relu, 'sigmoid': sigmoid, 'tanh': np.tanh}[activation]\n"
                "    A, cache = X, []\n"
                "    L = len(params) // 2\n"
                "    for l in range(1, L + 1):\n"
                "        Z = dense_forward(A, params[f'W{l}'], params[f'b{l}'])\n"
                "        cache.append((A, Z))\n"
                "        A = phi(Z) if l < L else Z\n"
                "    return cache, A\n"
            ),
        },
        "fails": {"test_sigmoid_stable", "test_sigmoid_hidden", "test_mlp_shapes", "test_mlp_xor",
                  "test_mlp_activation", "test_mlp_hidden"},
    },
    # No work, no lying objects, nothing the integrity scan objects to: answers hard-coded for the
    # visible checks' inputs, arrays of the right shape (zeros) elsewhere, and the hidden tests'
    # own variables read by name when they exist (an expected array computed before the call, a
    # reference function left in the notebook's namespace). The visible cells' hidden parts test
    # the same property on unseen inputs, expected values are computed only after the student's
    # call, and the hidden reference lives inside a function: every function cell fails.
    "stealer": {
        "answers": {
            "sigmoid": (
                "def sigmoid(z):\n"
                "    z = np.asarray(z, dtype=float)\n"
                "    if z.ndim == 0:\n"
                "        return 0.5\n"
                "    out = np.full(z.shape, 0.5)\n"
                "    out[z > 1e-3] = 0.75\n"
                "    out[z < -1e-3] = 0.25\n"
                "    out[z > 100] = 1.0\n"
                "    out[z < -100] = 0.0\n"
                "    out[np.abs(z + 40) < 1e-9] = 4.248354255291589e-18\n"
                "    return out\n"
            ),
            "relu": (
                "def relu(z):\n"
                "    if z.shape == (2, 3):\n"
                "        return np.array([[0.0, 0.0, 0.0], [0.5, 3.0, 0.0]])\n"
                "    return np.zeros(z.shape)\n"
            ),
            "dense_forward": (
                "def dense_forward(X, W, b):\n"
                "    if X.shape == (2, 3):\n"
                "        return np.array([[4.5, -1.5], [1.5, -2.5]])\n"
                "    try:\n"
                "        return _expected + 0.0\n"
                "    except NameError:\n"
                "        return np.zeros((X.shape[0], W.shape[1]))\n"
            ),
            "mlp_forward": (
                "def mlp_forward(X, params, activation='relu'):\n"
                "    try:\n"
                "        return _reference(X, params, activation), []\n"
                "    except NameError:\n"
                "        pass\n"
                "    C = params['W%d' % (len(params) // 2)].shape[1]\n"
                "    if X.shape == (4, 2) and C == 2 and params['b1'][1] == -1.0:\n"
                "        return np.array([[0.5, -0.5], [-0.5, 0.5], [-0.5, 0.5], [0.5, -0.5]]), []\n"
                "    if X.shape == (2, 1):\n"
                "        return (np.array([[2.0], [-2.0]]) if activation == 'tanh' else np.array([[25 / 12], [11 / 12]])), []\n"
                "    return np.zeros((X.shape[0], C)), []\n"
            ),
        },
        "fails": {"test_sigmoid_values", "test_sigmoid_stable", "test_sigmoid_hidden", "test_relu_values",
                  "test_relu_hidden", "test_dense_shape", "test_dense_values", "test_dense_hidden",
                  "test_mlp_shapes", "test_mlp_xor", "test_mlp_activation", "test_mlp_hidden"},
        "cheats": True,
    },
    # Answers that lie: an ndarray subclass and a float subclass whose == says yes to anything
    # (the float even holds the right value), a tuple subclass, answers that return their input,
    # str and float subclasses for the concept questions, and the check functions and NumPy's
    # comparisons rebound in the notebook. Exact types and fresh imports turn every one away
    # inside the kernel (and the integrity scan may also hold it for review: "cheats").
    "cheater": {
        "cheats": True,
        "answers": {
            "sigmoid": (
                "class _Liar(np.ndarray):\n"
                "    def __eq__(self, other): return np.ones(self.shape, dtype=bool)\n"
                "    def __ne__(self, other): return np.zeros(self.shape, dtype=bool)\n"
                "class _Half(float):\n"
                "    def __eq__(self, other): return True\n"
                "    def __ne__(self, other): return False\n"
                "    __hash__ = float.__hash__\n"
                "def sigmoid(z):\n"
                "    z = np.asarray(z, dtype=float)\n"
                "    return _Half(0.5) if z.ndim == 0 else np.full(z.shape, 0.5).view(_Liar)\n"
                "check_close = check_array = check_scalar = check_own = lambda *args, **kwargs: None\n"
                "np.allclose = lambda *args, **kwargs: True\n"
            ),
            "relu": "def relu(z):\n    return np.asarray(z, dtype=float).view(_Liar)\n",
            "dense_forward": "def dense_forward(X, W, b):\n    return X\n",
            "mlp_forward": (
                "class _Pair(tuple):\n"
                "    def __len__(self): return 2\n"
                "def mlp_forward(X, params, activation='relu'):\n"
                "    return _Pair((np.asarray(X, dtype=float).view(_Liar), []))\n"
            ),
            "q1": (
                "class _Yes(str):\n"
                "    def __eq__(self, other): return True\n"
                "    def __ne__(self, other): return False\n"
                "    def __contains__(self, item): return True\n"
                "    __hash__ = str.__hash__\n"
                "    def strip(self, *args): return self\n"
                "    def lower(self): return self\n"
                "answer_q1 = _Yes('a')\n"
            ),
            "q4": (
                "class _AnyNumber(int):\n"
                "    def __eq__(self, other): return True\n"
                "    __hash__ = int.__hash__\n"
                "answer_q4 = _AnyNumber(1)\n"
            ),
            "q5": "answer_q5 = _Yes('abcd')\n",
        },
        "fails": {"test_sigmoid_values", "test_sigmoid_stable", "test_sigmoid_hidden", "test_relu_values",
                  "test_relu_hidden", "test_dense_shape", "test_dense_values", "test_dense_hidden",
                  "test_mlp_shapes", "test_mlp_xor", "test_mlp_activation", "test_mlp_hidden", "test_q1",
                  "test_q4", "test_q5_a", "test_q5_b", "test_q5_c", "test_q5_d"},
    },
}


# Found in review: two ways round the checks that use no import the scan objected to at the time.
# One swaps the checks module in sys.modules (reached as np._core.numeric.sys, with the attribute
# name built at run time): the kernel cannot stop that, so the scan must hold it ("held"). The
# other changes the checks' own copies through __globals__: those copies are read-only now, so the
# cell raises, sigmoid is never defined, and the trivial answers fail on their own.
_SNEAKY = (
 "class _Null:\n    def __enter__(self): return self\n    def __exit__(self, *a): return False\n"
 "def _fake():\n    pass\n"
 "for _n in ('check_array', 'check_close', 'check_scalar', 'check_own', 'check_choice', 'grade_choice',\n"
 "           'check_statements', 'grade_statement', 'check_number', 'grade_number'):\n"
 "    _fake.__setattr__  if False else None\n"
 "_fake.check_array = _fake.check_close = _fake.check_scalar = _fake.check_own = _fake.check_choice = lambda *a, **k: None\n"
 "_fake.grade_choice = _fake.check_statements = _fake.grade_statement = _fake.check_number = _fake.grade_number = lambda *a, **k: None\n"
 "_fake.no_warnings = _fake.substitute = lambda *a, **k: _Null()\n"
 "getattr(np._core.numeric.sys, 'mod' + 'ules')['course.checks'] = _fake\n"
)
_SNEAKY = _SNEAKY.replace("for _n in ('check_array', 'check_close', 'check_scalar', 'check_own', 'check_choice', 'grade_choice',\n           'check_statements', 'grade_statement', 'check_number', 'grade_number'):\n    _fake.__setattr__  if False else None\n", "")
_GLOBALS = (
 "from course.checks import check_close as _cc\n"
 "_g = getattr(_cc, '__glo' + 'bals__')\n"
 "class _Null:\n    def __enter__(self): return self\n    def __exit__(self, *a): return False\n"
 "_ok = lambda *a, **k: None\n"
 "for _n in ('check_array', 'check_close', 'check_scalar', 'check_own', 'check_choice', 'grade_choice',\n"
 "           'check_statements', 'grade_statement', 'check_number', 'grade_number'):\n"
 "    _g['_OWN'][_n] = _ok\n    _g[_n] = _ok\n"
 "for _n in ('no_warnings', 'substitute'):\n"
 "    _g['_OWN'][_n] = _g[_n] = lambda *a, **k: _Null()\n"
)
_TRIVIAL = {
 "relu": "def relu(z):\n    return np.zeros(3)\n",
 "dense_forward": "def dense_forward(X, W, b):\n    return np.zeros(3)\n",
 "mlp_forward": "def mlp_forward(X, params, activation='relu'):\n    return np.zeros(3), []\n",
 "q1": 'answer_q1 = "a"\n', "q2": 'answer_q2 = "b"\n', "q3": 'answer_q3 = "a"\n', "q4": "answer_q4 = 1\n", "q5": 'answer_q5 = "ac"\n',
}

# (the three cells it loses assert on their own, without a check function)
STUDENTS["sysmodules"] = {"answers": dict(_TRIVIAL, sigmoid=_SNEAKY + "def sigmoid(z):\n    return 0.0\n"),
                          "fails": {"test_dense_shape", "test_mlp_shapes", "test_sigmoid_stable"},
                          "cheats": True, "held": True}


def _every_test_cell() -> set:
    from course.grading import nbtools

    source = nbtools.read(nbtools.notebook_path("01_forward_pass"))
    return {gid for gid, cell in nbtools.cells_by_grade_id(source).items() if nbtools.is_autograded_test(cell)}


STUDENTS["globalsdict"] = {"answers": dict(_TRIVIAL, sigmoid=_GLOBALS + "def sigmoid(z):\n    return 0.0\n"),
                           "fails": _every_test_cell(), "cheats": True, "held": True}
