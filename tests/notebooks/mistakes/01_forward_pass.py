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
                  "test_mlp_hidden", "test_q1"},
    },
    # Shape slips: np.max instead of np.maximum, the product transposed, and the layers
    # visited in string order (W1, W10, W11, W2, ...), which only a deep network reveals.
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
            "q3": 'answer_q3 = "a"\n',
        },
        "fails": {"test_relu_values", "test_relu_hidden", "test_dense_shape", "test_dense_values",
                  "test_dense_hidden", "test_mlp_hidden", "test_q3"},
    },
    # Thin wrappers around the course's building blocks (which notebook 04 uses): check_own
    # looks inside each function, so wrapping a reference earns nothing.
    "wrapper": {
        "answers": {
            "sigmoid": "import course.building_blocks as bb\ndef sigmoid(z):\n    return bb.sigmoid(z)\n",
            "relu": "from course.building_blocks import relu as _relu\ndef relu(z):\n    return _relu(z)\n",
            "dense_forward": "def _helper(X, W, b):\n    return bb.dense_forward(X, W, b)\n"
                             "def dense_forward(X, W, b):\n    return _helper(X, W, b)\n",
            "mlp_forward": "def mlp_forward(X, params, activation='relu'):\n"
                           "    return bb.mlp_forward(X, params, activation)\n",
        },
        "fails": {"test_sigmoid_values", "test_sigmoid_stable", "test_sigmoid_hidden", "test_relu_values",
                  "test_relu_hidden", "test_dense_shape", "test_dense_values", "test_dense_hidden",
                  "test_mlp_shapes", "test_mlp_xor", "test_mlp_hidden"},
    },
    # Answers that try to fool the checks: an object equal to everything, and a number
    # returned where an array is due.
    "cheater": {
        "answers": {
            "sigmoid": (
                "class _Anything:\n"
                "    def __eq__(self, other): return True\n"
                "    def __ne__(self, other): return False\n"
                "    def __getitem__(self, key): return self\n"
                "    shape = property(lambda self: (3,))\n"
                "def sigmoid(z):\n    return _Anything()\n"
            ),
            "relu": "def relu(z):\n    return 0.0\n",
            "dense_forward": "def dense_forward(X, W, b):\n    return [[0.0] * W.shape[1]] * X.shape[0]\n",
            "mlp_forward": "def mlp_forward(X, params, activation='relu'):\n    return (_Anything(), None)\n",
            "q1": "answer_q1 = _Anything()\n",
        },
        "fails": {"test_sigmoid_values", "test_sigmoid_stable", "test_sigmoid_hidden", "test_relu_values",
                  "test_relu_hidden", "test_dense_shape", "test_dense_values", "test_dense_hidden",
                  "test_mlp_shapes", "test_mlp_xor", "test_mlp_hidden", "test_q1"},
    },
}
