"""Simulated students for 04_backpropagation: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: a mistake costs the points of its own function only
(the tests of mlp_loss_and_grads swap in known-good building blocks).
"""

# The layer recursion, written correctly; the students below vary one piece of it.
_MLP = (
    "def mlp_loss_and_grads(X, y, params, activation='relu'):\n"
    "    backward = {'relu': relu_backward, 'sigmoid': sigmoid_backward, 'tanh': tanh_backward}[activation]\n"
    "    scores, cache = mlp_forward(X, params, activation)\n"
    "    loss = softmax_cross_entropy(scores, y)\n"
    "    grads = {}\n"
    "    dZ = softmax_cross_entropy_backward(scores, y)\n"
    "{loop}"
    "    return loss, grads\n"
)

STUDENTS = {
    # Masks and derivatives from the wrong array: ReLU's mask from dA, the sigmoid's derivative
    # applied to the pre-activation as if it were the activation; Q3 takes the mask from dA too.
    "masks": {
        "answers": {
            "relu_backward": "def relu_backward(dA, Z):\n    return dA * (dA > 0)\n",
            "sigmoid_backward": "def sigmoid_backward(dA, Z):\n    return dA * Z * (1 - Z)\n",
            "q3": 'answer_q3 = "d"\n',
        },
        "fails": {"test_relu_backward_values", "test_relu_backward_hidden", "test_sigmoid_backward_values",
                  "test_sigmoid_backward_hidden", "test_q3"},
    },
    # The batch size handled wrongly: db averaged instead of summed, the loss gradient not divided
    # by N, and a recursion that stops before layer 1 (a missing layer); Q5 d) (db sums) marked false.
    "batch": {
        "answers": {
            "dense_backward": (
                "def dense_backward(dZ, X, W):\n"
                "    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)\n"
            ),
            "softmax_cross_entropy_backward": (
                "def softmax_cross_entropy_backward(scores, y):\n"
                "    d = softmax(scores)\n"
                "    d[np.arange(len(y)), y] -= 1\n"
                "    return d\n"
            ),
            "mlp_loss_and_grads": _MLP.replace("{loop}", (
                "    for l in range(len(cache), 1, -1):\n"
                "        dA, grads[f'W{l}'], grads[f'b{l}'] = dense_backward(dZ, cache[l - 1][0], params[f'W{l}'])\n"
                "        dZ = backward(dA, cache[l - 2][1])\n"
            )),
            "q5": 'answer_q5 = "b"\n',
        },
        "fails": {"test_dense_backward_values", "test_dense_backward_hidden", "test_softmax_ce_backward_values",
                  "test_softmax_ce_backward_stable", "test_softmax_ce_backward_hidden", "test_mlp_grads_shapes",
                  "test_mlp_grads_two_layers", "test_mlp_grads_hidden", "test_q5_d"},
    },
    # Transposes and orders: dW = dZ.T @ X, tanh's derivative applied to Z, and the layers
    # visited in sorted-string order (W1, W10, W11, W2, ...), which only a deep network reveals.
    "transpose": {
        "answers": {
            "dense_backward": (
                "def dense_backward(dZ, X, W):\n"
                "    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)\n"
            ),
            "tanh_backward": "def tanh_backward(dA, Z):\n    return dA * (1 - Z ** 2)\n",
            "mlp_loss_and_grads": _MLP.replace("{loop}", (
                "    names = sorted(k[1:] for k in params if k.startswith('W'))\n"
                "    for i in range(len(names) - 1, -1, -1):\n"
                "        l = names[i]\n"
                "        dA, grads['W' + l], grads['b' + l] = dense_backward(dZ, cache[i][0], params['W' + l])\n"
                "        if i > 0:\n"
                "            dZ = backward(dA, cache[i - 1][1])\n"
            )),
        },
        "fails": {"test_dense_backward_shapes", "test_dense_backward_values", "test_dense_backward_hidden",
                  "test_tanh_backward", "test_mlp_grads_hidden"},
    },
    # The activation's backward applied to the scores too (the last layer is linear), db left
    # per example (not summed), ReLU's mask Z >= 0 (PyTorch uses 0 at the kink); Q2 thinks a confident
    # wrong example stalls, Q4 counts one matrix product of the backward pass instead of two.
    "last_layer": {
        "answers": {
            "dense_backward": "def dense_backward(dZ, X, W):\n    return dZ @ W.T, X.T @ dZ, dZ\n",
            "relu_backward": "def relu_backward(dA, Z):\n    return dA * (Z >= 0)\n",
            "mlp_loss_and_grads": _MLP.replace("{loop}", (
                "    dZ = backward(dZ, cache[-1][1])\n"
                "    for l in range(len(cache), 0, -1):\n"
                "        dA, grads[f'W{l}'], grads[f'b{l}'] = dense_backward(dZ, cache[l - 1][0], params[f'W{l}'])\n"
                "        if l > 1:\n"
                "            dZ = backward(dA, cache[l - 2][1])\n"
            )),
            "q2": 'answer_q2 = "a"\n',
            "q4": "answer_q4 = 64 * 100 * 10\n",
        },
        "fails": {"test_dense_backward_shapes", "test_dense_backward_values", "test_dense_backward_hidden",
                  "test_relu_backward_hidden", "test_mlp_grads_two_layers", "test_mlp_grads_hidden",
                  "test_q2", "test_q4"},
    },
    # No backward pass at all: the gradients from numerical_gradient, two forward passes per parameter.
    # Right to about 1e-9 on small networks, hopeless on big ones (the timing cell must not hang on it).
    "numerical": {
        "answers": {
            "mlp_loss_and_grads": (
                "def mlp_loss_and_grads(X, y, params, activation='relu'):\n"
                "    loss = softmax_cross_entropy(mlp_forward(X, params, activation)[0], y)\n"
                "    grads = {}\n"
                "    for key in params:\n"
                "        def f(value, key=key):\n"
                "            return softmax_cross_entropy(mlp_forward(X, dict(params, **{key: value}), activation)[0], y)\n"
                "        grads[key] = numerical_gradient(f, params[key].copy())\n"
                "    return loss, grads\n"
            ),
        },
        "fails": {"test_mlp_grads_shapes", "test_mlp_grads_two_layers", "test_mlp_grads_hidden"},
    },
    # The same, with a forward pass and central differences of its own (so no call can be counted):
    # the confident scores of the hidden tests (about 1e12), where central differences lose every digit,
    # give it away. Its loss and shapes are right, so it keeps the shapes point.
    "numerical_own": {
        "answers": {
            "mlp_loss_and_grads": (
                "def mlp_loss_and_grads(X, y, params, activation='relu'):\n"
                "    phi = {'relu': relu, 'sigmoid': sigmoid, 'tanh': np.tanh}[activation]\n"
                "    L = len(params) // 2\n"
                "    def loss_of(p):\n"
                "        A = X\n"
                "        for l in range(1, L + 1):\n"
                "            Z = A @ p[f'W{l}'] + p[f'b{l}']\n"
                "            A = phi(Z) if l < L else Z\n"
                "        m = A.max(axis=1, keepdims=True)\n"
                "        return float(np.mean(np.log(np.exp(A - m).sum(axis=1)) + m[:, 0] - A[np.arange(len(y)), y]))\n"
                "    grads = {}\n"
                "    for key in params:\n"
                "        g = np.zeros_like(params[key])\n"
                "        for i in np.ndindex(g.shape):\n"
                "            plus = dict(params, **{key: params[key].copy()})\n"
                "            minus = dict(params, **{key: params[key].copy()})\n"
                "            plus[key][i] += 1e-5\n"
                "            minus[key][i] -= 1e-5\n"
                "            g[i] = (loss_of(plus) - loss_of(minus)) / 2e-5\n"
                "        grads[key] = g\n"
                "    return loss_of(params), grads\n"
            ),
        },
        "fails": {"test_mlp_grads_two_layers", "test_mlp_grads_hidden"},
    },
    # The cache[l-2] slip: the activation's backward gets Z of layer l (cache[l-1]) instead of Z of layer
    # l-1, which raises "operands could not be broadcast" when the widths differ; Q3 makes the same slip,
    # and Q5 a) takes backpropagation for gradient descent.
    "cache_slip": {
        "answers": {
            "mlp_loss_and_grads": _MLP.replace("{loop}", (
                "    for l in range(len(cache), 0, -1):\n"
                "        dA, grads[f'W{l}'], grads[f'b{l}'] = dense_backward(dZ, cache[l - 1][0], params[f'W{l}'])\n"
                "        if l > 1:\n"
                "            dZ = backward(dA, cache[l - 1][1])\n"
            )),
            "q3": 'answer_q3 = "a"\n',
            "q5": 'answer_q5 = "abd"\n',
        },
        "fails": {"test_mlp_grads_shapes", "test_mlp_grads_two_layers", "test_mlp_grads_hidden", "test_q3", "test_q5_a"},
    },
    # A loss that is a NumPy 0-d array, not a Python float (the contract says float); Q1 calls a 3e-5
    # gradient-check error on tiny entries a bug; Q5 c) thinks errors flow back in time.
    "types": {
        "answers": {
            "mlp_loss_and_grads": _MLP.replace("    loss = softmax_cross_entropy(scores, y)\n",
                                               "    loss = np.array(softmax_cross_entropy(scores, y))\n").replace("{loop}", (
                "    for l in range(len(cache), 0, -1):\n"
                "        dA, grads[f'W{l}'], grads[f'b{l}'] = dense_backward(dZ, cache[l - 1][0], params[f'W{l}'])\n"
                "        if l > 1:\n"
                "            dZ = backward(dA, cache[l - 2][1])\n"
            )),
            "q1": 'answer_q1 = "b"\n',
            "q5": 'answer_q5 = "bcd"\n',
        },
        "fails": {"test_mlp_grads_shapes", "test_q1", "test_q5_c"},
    },
    # Gradients without a backward pass, exact to rounding: complex-step differences (one forward pass per
    # parameter, each entry from the imaginary part), so even the confident scores of about 1e12 come out right.
    # The cost check gives it away: on 21,210 parameters it takes thousands of forward passes. Like the
    # numerical students, its loss and shapes are right, so it keeps the shapes point.
    "complex_step": {
        "answers": {
            "mlp_loss_and_grads": (
                "def mlp_loss_and_grads(X, y, params, activation='relu'):\n"
                "    L = len(params) // 2\n"
                "    def phi(z):\n"
                "        if activation == 'relu':\n"
                "            return np.where(z.real > 0, z, 0)\n"
                "        return np.tanh(z) if activation == 'tanh' else 1 / (1 + np.exp(-z))\n"
                "    def loss_of(p):\n"
                "        A = X.astype(complex)\n"
                "        for l in range(1, L + 1):\n"
                "            Z = A @ p[f'W{l}'] + p[f'b{l}']\n"
                "            A = phi(Z) if l < L else Z\n"
                "        m = A.real.max(axis=1, keepdims=True)\n"
                "        return np.mean(np.log(np.exp(A - m).sum(axis=1)) + m[:, 0] - A[np.arange(len(y)), y])\n"
                "    grads = {}\n"
                "    for key in params:\n"
                "        g = np.zeros(params[key].shape)\n"
                "        for i in np.ndindex(g.shape):\n"
                "            p = {k: v.astype(complex) for k, v in params.items()}\n"
                "            p[key][i] += 1e-30j\n"
                "            g[i] = loss_of(p).imag / 1e-30\n"
                "        grads[key] = g\n"
                "    return float(loss_of(params).real), grads\n"
            ),
        },
        "fails": {"test_mlp_grads_two_layers", "test_mlp_grads_hidden"},
    },
    # A peeker: answers that read the grade cells' own expected values and reference helpers (_expected,
    # _ref_grads) from the notebook's namespace while a test runs, and hard-codes the visible example of
    # sigmoid_backward. The tests run inside functions and call the answer before computing what they expect,
    # so there is nothing to read, and each hand-worked example has a hidden twin: it keeps only the shapes of
    # Part E.
    "peeker": {
        "answers": {
            "sigmoid_backward": (
                "def sigmoid_backward(dA, Z):\n"
                "    Z = np.asarray(Z, dtype=float)\n"
                "    try:\n"
                "        if _expected.shape == Z.shape:\n"
                "            return np.array(_expected, dtype=float)\n"
                "    except Exception:\n"
                "        pass\n"
                "    if Z.shape == (3,) and np.allclose(Z, [0.0, np.log(3.0), -np.log(3.0)]):\n"
                "        return np.array([0.25, 0.375, -0.75])\n"
                "    return np.zeros_like(Z)\n"
            ),
            "mlp_loss_and_grads": (
                "def mlp_loss_and_grads(X, y, params, activation='relu'):\n"
                "    loss = softmax_cross_entropy(mlp_forward(X, params, activation)[0], y)\n"
                "    try:\n"
                "        return loss, _ref_grads(X, y, params, activation)\n"
                "    except Exception:\n"
                "        pass\n"
                "    try:\n"
                "        return loss, {k: np.array(_expected[k], dtype=float) for k in params}\n"
                "    except Exception:\n"
                "        return loss, {k: np.zeros_like(v) for k, v in params.items()}\n"
            ),
        },
        "fails": {"test_sigmoid_backward_values", "test_sigmoid_backward_hidden", "test_mlp_grads_two_layers",
                  "test_mlp_grads_hidden"},
    },
    # In place and aliased: relu_backward zeroes dA where Z <= 0 and returns dA itself; right values, but the
    # caller's upstream gradient is destroyed. The visible part of the second relu cell says so.
    "in_place": {
        "answers": {
            "relu_backward": "def relu_backward(dA, Z):\n    dA[Z <= 0] = 0.0\n    return dA\n",
        },
        "fails": {"test_relu_backward_hidden"},
    },
    # A cheater: objects that lie (an ndarray subclass equal to everything, a float and str subclasses
    # equal to everything), answers that return their inputs, gradients that are the parameters
    # themselves. It must earn nothing.
    "cheater": {
        "cheats": True,
        "answers": {
            "relu_backward": (
                "class _Lie(np.ndarray):\n"
                "    def __eq__(self, other):\n"
                "        return np.ones(self.shape, dtype=bool)\n"
                "    __hash__ = None\n"
                "def relu_backward(dA, Z):\n"
                "    return np.asarray(dA, dtype=float).view(_Lie)\n"
            ),
            "sigmoid_backward": "def sigmoid_backward(dA, Z):\n    return dA\n",
            "tanh_backward": "def tanh_backward(dA, Z):\n    return Z\n",
            "dense_backward": "def dense_backward(dZ, X, W):\n    return X, W, W[0]\n",
            "softmax_cross_entropy_backward": "def softmax_cross_entropy_backward(scores, y):\n    return scores\n",
            "mlp_loss_and_grads": (
                "class _Anything(float):\n"
                "    def __eq__(self, other):\n"
                "        return True\n"
                "    __hash__ = float.__hash__\n"
                "def mlp_loss_and_grads(X, y, params, activation='relu'):\n"
                "    return _Anything(0.0), params\n"
            ),
            "q1": "class _Yes(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\nanswer_q1 = _Yes('b')\n",
            "q2": "class _Yes(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\nanswer_q2 = _Yes('a')\n",
            "q3": "class _Yes(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\nanswer_q3 = _Yes('c')\n",
            "q4": "class _Num(float):\n    def __eq__(self, other):\n        return True\n    __hash__ = float.__hash__\nanswer_q4 = _Num(1.0)\n",
            "q5": "class _Yes(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\nanswer_q5 = _Yes('abcd')\n",
        },
        "fails": {"test_relu_backward_values", "test_relu_backward_hidden", "test_sigmoid_backward_values",
                  "test_sigmoid_backward_hidden", "test_tanh_backward", "test_dense_backward_shapes",
                  "test_dense_backward_values", "test_dense_backward_hidden", "test_softmax_ce_backward_values",
                  "test_softmax_ce_backward_stable", "test_softmax_ce_backward_hidden", "test_mlp_grads_shapes",
                  "test_mlp_grads_two_layers", "test_mlp_grads_hidden", "test_q1", "test_q2", "test_q3", "test_q4",
                  "test_q5_a", "test_q5_b", "test_q5_c", "test_q5_d"},
    },
}
