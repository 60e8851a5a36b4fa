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
    # applied to the pre-activation as if it were the activation; Q1 thinks backprop updates weights.
    "masks": {
        "answers": {
            "relu_backward": "def relu_backward(dA, Z):\n    return dA * (dA > 0)\n",
            "sigmoid_backward": "def sigmoid_backward(dA, Z):\n    return dA * Z * (1 - Z)\n",
            "q1": 'answer_q1 = "a"\n',
        },
        "fails": {"test_relu_backward_values", "test_relu_backward_hidden", "test_sigmoid_backward_values",
                  "test_sigmoid_backward_hidden", "test_q1"},
    },
    # The batch size handled wrongly: db averaged instead of summed, the loss gradient not divided
    # by N, and a recursion that stops before layer 1 (a missing layer); Q4 agrees with the average.
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
            "q4": 'answer_q4 = "a"\n',
        },
        "fails": {"test_dense_backward_values", "test_dense_backward_hidden", "test_softmax_ce_backward_values",
                  "test_softmax_ce_backward_stable", "test_softmax_ce_backward_hidden", "test_mlp_grads_shapes",
                  "test_mlp_grads_two_layers", "test_mlp_grads_hidden", "test_q4"},
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
    # per example (not summed), ReLU's mask Z >= 0 (PyTorch uses 0 at the kink); Q2 and Q3 wrong.
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
            "q3": 'answer_q3 = "b"\n',
        },
        "fails": {"test_dense_backward_shapes", "test_dense_backward_values", "test_dense_backward_hidden",
                  "test_relu_backward_hidden", "test_mlp_grads_two_layers", "test_mlp_grads_hidden",
                  "test_q2", "test_q3"},
    },
}
