"""Simulated students for 05_gradient_descent: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: a mistake costs the points of its own function only.
"""

_BATCHES_ALL = {"test_batches_order", "test_batches_pairs", "test_batches_permutation", "test_batches_hidden"}
_RMSPROP_ALL = {"test_rmsprop_first_step", "test_rmsprop_steps", "test_rmsprop_hidden"}
_MOMENTUM_ALL = {"test_momentum_first_step", "test_momentum_steps", "test_momentum_hidden"}

STUDENTS = {
    # X and y shuffled apart (a second permutation for y); momentum written as an exponential
    # moving average, v = beta*v + (1 - beta)*g; Q3 blames a bug for SGD's noise.
    "mixer": {
        "answers": {
            "iterate_minibatches": (
                "def iterate_minibatches(X, y, batch_size, rng=None):\n"
                "    n = len(X)\n"
                "    if rng is not None:\n"
                "        X = X[rng.permutation(n)]\n"
                "        y = y[rng.permutation(n)]\n"
                "    for start in range(0, n, batch_size):\n"
                "        yield X[start:start + batch_size], y[start:start + batch_size]\n"
            ),
            "Momentum": (
                "class Momentum:\n"
                "    def __init__(self, lr, beta=0.9):\n"
                "        self.lr, self.beta, self.v = lr, beta, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.v[k] = self.beta * self.v.get(k, 0.0) + (1 - self.beta) * g\n"
                "            params[k] -= self.lr * self.v[k]\n"
            ),
            "q3": 'answer_q3 = "a"\n',
        },
        "fails": {"test_batches_pairs", "test_batches_permutation", "test_batches_hidden", "test_q3"} | _MOMENTUM_ALL,
    },
    # The last, smaller batch dropped; eps inside the square root in RMSProp; Adam without
    # bias correction.
    "dropper": {
        "answers": {
            "iterate_minibatches": (
                "def iterate_minibatches(X, y, batch_size, rng=None):\n"
                "    n = len(X)\n"
                "    order = np.arange(n) if rng is None else rng.permutation(n)\n"
                "    for k in range(n // batch_size):\n"
                "        idx = order[k * batch_size:(k + 1) * batch_size]\n"
                "        yield X[idx], y[idx]\n"
            ),
            "RMSProp": (
                "class RMSProp:\n"
                "    def __init__(self, lr, alpha=0.99, eps=1e-8):\n"
                "        self.lr, self.alpha, self.eps, self.s = lr, alpha, eps, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.s[k] = self.alpha * self.s.get(k, 0.0) + (1 - self.alpha) * g ** 2\n"
                "            params[k] -= self.lr * g / np.sqrt(self.s[k] + self.eps)\n"
            ),
            "Adam": (
                "class Adam:\n"
                "    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                "        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps\n"
                "        self.m, self.v = {}, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.m[k] = self.beta1 * self.m.get(k, 0.0) + (1 - self.beta1) * g\n"
                "            self.v[k] = self.beta2 * self.v.get(k, 0.0) + (1 - self.beta2) * g ** 2\n"
                "            params[k] -= self.lr * self.m[k] / (np.sqrt(self.v[k]) + self.eps)\n"
            ),
        },
        "fails": _BATCHES_ALL | _RMSPROP_ALL | {"test_adam_first_step", "test_adam_step_count", "test_adam_hidden"},
    },
    # rng used, but not as rng.permutation(N); SGD puts new arrays into params instead of
    # updating them in place; RMSProp forgets (1 - alpha); Adam counts steps once per call for
    # the whole optimiser, which is wrong as soon as a parameter sits out a call.
    "counter": {
        "answers": {
            "iterate_minibatches": (
                "def iterate_minibatches(X, y, batch_size, rng=None):\n"
                "    n = len(X)\n"
                "    order = np.arange(n) if rng is None else rng.choice(n, size=n, replace=False)\n"
                "    for start in range(0, n, batch_size):\n"
                "        idx = order[start:start + batch_size]\n"
                "        yield X[idx], y[idx]\n"
            ),
            "SGD": (
                "class SGD:\n"
                "    def __init__(self, lr):\n"
                "        self.lr = lr\n"
                "    def step(self, params, grads):\n"
                "        for k in grads:\n"
                "            params[k] = params[k] - self.lr * grads[k]\n"
            ),
            "RMSProp": (
                "class RMSProp:\n"
                "    def __init__(self, lr, alpha=0.99, eps=1e-8):\n"
                "        self.lr, self.alpha, self.eps, self.s = lr, alpha, eps, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.s[k] = self.alpha * self.s.get(k, 0.0) + g ** 2\n"
                "            params[k] -= self.lr * g / (np.sqrt(self.s[k]) + self.eps)\n"
            ),
            "Adam": (
                "class Adam:\n"
                "    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                "        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps\n"
                "        self.m, self.v, self.t = {}, {}, 0\n"
                "    def step(self, params, grads):\n"
                "        self.t += 1\n"
                "        for k, g in grads.items():\n"
                "            self.m[k] = self.beta1 * self.m.get(k, 0.0) + (1 - self.beta1) * g\n"
                "            self.v[k] = self.beta2 * self.v.get(k, 0.0) + (1 - self.beta2) * g ** 2\n"
                "            m_hat = self.m[k] / (1 - self.beta1 ** self.t)\n"
                "            v_hat = self.v[k] / (1 - self.beta2 ** self.t)\n"
                "            params[k] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)\n"
            ),
        },
        "fails": {"test_batches_permutation", "test_batches_hidden", "test_sgd_step", "test_sgd_hidden",
                  "test_adam_step_count", "test_adam_hidden"} | _RMSPROP_ALL,
    },
    # A new permutation for every batch (examples repeated and skipped); momentum's update
    # replaces params instead of changing them; Adam forgets (1 - beta1) and (1 - beta2) and
    # puts eps inside the square root; Q4 thinks uncorrected steps are too small.
    "slips": {
        "answers": {
            "iterate_minibatches": (
                "def iterate_minibatches(X, y, batch_size, rng=None):\n"
                "    n = len(X)\n"
                "    for start in range(0, n, batch_size):\n"
                "        order = np.arange(n) if rng is None else rng.permutation(n)\n"
                "        idx = order[start:start + batch_size]\n"
                "        yield X[idx], y[idx]\n"
            ),
            "Momentum": (
                "class Momentum:\n"
                "    def __init__(self, lr, beta=0.9):\n"
                "        self.lr, self.beta, self.v = lr, beta, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.v[k] = self.beta * self.v.get(k, 0.0) + g\n"
                "            params[k] = params[k] - self.lr * self.v[k]\n"
            ),
            "Adam": (
                "class Adam:\n"
                "    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                "        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps\n"
                "        self.m, self.v, self.t = {}, {}, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.t[k] = self.t.get(k, 0) + 1\n"
                "            self.m[k] = self.beta1 * self.m.get(k, 0.0) + g\n"
                "            self.v[k] = self.beta2 * self.v.get(k, 0.0) + g ** 2\n"
                "            m_hat = self.m[k] / (1 - self.beta1 ** self.t[k])\n"
                "            v_hat = self.v[k] / (1 - self.beta2 ** self.t[k])\n"
                "            params[k] -= self.lr * m_hat / np.sqrt(v_hat + self.eps)\n"
            ),
            "q4": 'answer_q4 = "a"\n',
        },
        "fails": {"test_batches_pairs", "test_batches_permutation", "test_batches_hidden",
                  "test_adam_first_step", "test_adam_step_count", "test_adam_hidden", "test_q4",
                  "test_momentum_first_step", "test_momentum_hidden"},
    },
}
