"""Simulated students for 05_gradient_descent: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: a mistake costs the points of its own function only.
Students marked "cheats" are built to fool the checks (the integrity scan may hold them for review).
"""

_BATCHES_ALL = {"test_batches_order", "test_batches_pairs", "test_batches_permutation", "test_batches_hidden"}
_RMSPROP_ALL = {"test_rmsprop_first_step", "test_rmsprop_steps", "test_rmsprop_hidden"}
_MOMENTUM_ALL = {"test_momentum_first_step", "test_momentum_steps", "test_momentum_schedule", "test_momentum_hidden"}
_ADAM_ALL = {"test_adam_first_step", "test_adam_step_count", "test_adam_hidden"}
_Q5_ALL = {"test_q5_a", "test_q5_b", "test_q5_c", "test_q5_d"}

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
            "q3": 'answer_q3 = "b"\n',
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
        "fails": _BATCHES_ALL | _RMSPROP_ALL | _ADAM_ALL,
    },
    # rng used, but not as rng.permutation(N); SGD puts new arrays into params instead of
    # updating them in place; RMSProp forgets (1 - alpha); Adam counts steps once per call for
    # the whole optimiser, which is wrong as soon as a parameter sits out a call; Q5 also believes
    # that vanishing gradients come from a small learning rate.
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
            "q5": 'answer_q5 = "abd"\n',
        },
        "fails": {"test_batches_permutation", "test_batches_hidden", "test_sgd_step", "test_sgd_hidden",
                  "test_adam_step_count", "test_adam_hidden", "test_q5_a"} | _RMSPROP_ALL,
    },
    # A new permutation for every batch (examples repeated and skipped); momentum's update
    # replaces params instead of changing them; Adam forgets (1 - beta1) and (1 - beta2) and
    # puts eps inside the square root; Q4 takes the coefficient 20 of 20 y**2 for the curvature.
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
            "q4": 'answer_q4 = 0.1\n',
        },
        "fails": {"test_batches_pairs", "test_batches_permutation", "test_batches_hidden",
                  "test_adam_first_step", "test_adam_step_count", "test_adam_hidden", "test_q4",
                  "test_momentum_first_step", "test_momentum_hidden"},
    },
    # Momentum that keeps the caller's gradient array as its velocity and then updates it in place:
    # the values are right, but every gradient array handed to step is overwritten by the next step
    # (and a caller that reuses its gradient buffer gets a wrong velocity).
    "aliaser": {
        "answers": {
            "Momentum": (
                "class Momentum:\n"
                "    def __init__(self, lr, beta=0.9):\n"
                "        self.lr, self.beta, self.v = lr, beta, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            if k not in self.v:\n"
                "                self.v[k] = g\n"
                "            else:\n"
                "                self.v[k] *= self.beta\n"
                "                self.v[k] += g\n"
                "            params[k] -= self.lr * self.v[k]\n"
            ),
        },
        "fails": {"test_momentum_steps", "test_momentum_hidden"},
    },
    # The learning rate folded into the running averages: momentum as v = beta*v + lr*g, p -= v, and
    # Adam with m = beta1*m + (1 - beta1)*lr*g. Both equal torch while lr is constant, and go wrong
    # as soon as a schedule changes lr.
    "folder": {
        "answers": {
            "Momentum": (
                "class Momentum:\n"
                "    def __init__(self, lr, beta=0.9):\n"
                "        self.lr, self.beta, self.v = lr, beta, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.v[k] = self.beta * self.v.get(k, 0.0) + self.lr * g\n"
                "            params[k] -= self.v[k]\n"
            ),
            "Adam": (
                "class Adam:\n"
                "    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                "        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps\n"
                "        self.m, self.s, self.t = {}, {}, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.t[k] = self.t.get(k, 0) + 1\n"
                "            self.m[k] = self.beta1 * self.m.get(k, 0.0) + (1 - self.beta1) * self.lr * g\n"
                "            self.s[k] = self.beta2 * self.s.get(k, 0.0) + (1 - self.beta2) * g * g\n"
                "            m_hat = self.m[k] / (1 - self.beta1 ** self.t[k])\n"
                "            s_hat = self.s[k] / (1 - self.beta2 ** self.t[k])\n"
                "            params[k] -= m_hat / (np.sqrt(s_hat) + self.eps)\n"
            ),
        },
        "fails": {"test_momentum_schedule", "test_momentum_hidden", "test_adam_hidden"},
    },
    # One state array for all parameters: one velocity in Momentum, one running average in RMSProp.
    # With parameters of different shapes this raises NumPy's broadcast error inside step, which the
    # tests turn into "keep one state array per parameter name".
    "sharer": {
        "answers": {
            "Momentum": (
                "class Momentum:\n"
                "    def __init__(self, lr, beta=0.9):\n"
                "        self.lr, self.beta, self.v = lr, beta, None\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.v = g.copy() if self.v is None else self.beta * self.v + g\n"
                "            params[k] -= self.lr * self.v\n"
            ),
            "RMSProp": (
                "class RMSProp:\n"
                "    def __init__(self, lr, alpha=0.99, eps=1e-8):\n"
                "        self.lr, self.alpha, self.eps, self.s = lr, alpha, eps, 0.0\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.s = self.alpha * self.s + (1 - self.alpha) * g ** 2\n"
                "            params[k] -= self.lr * g / (np.sqrt(self.s) + self.eps)\n"
            ),
        },
        "fails": {"test_momentum_steps", "test_momentum_hidden", "test_rmsprop_steps", "test_rmsprop_hidden"},
    },
    # The learning rate copied at construction and used from the copy, so a schedule that sets
    # opt.lr between steps changes nothing (SGD and RMSProp); Q5 marks no statement true.
    "frozen": {
        "answers": {
            "SGD": (
                "class SGD:\n"
                "    def __init__(self, lr):\n"
                "        self.lr = lr\n"
                "        self.step_size = lr\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            params[k] -= self.step_size * g\n"
            ),
            "RMSProp": (
                "class RMSProp:\n"
                "    def __init__(self, lr, alpha=0.99, eps=1e-8):\n"
                "        self.lr, self.alpha, self.eps, self.s = lr, alpha, eps, {}\n"
                "        self.step_size = lr\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.s[k] = self.alpha * self.s.get(k, 0.0) + (1 - self.alpha) * g ** 2\n"
                "            params[k] -= self.step_size * g / (np.sqrt(self.s[k]) + self.eps)\n"
            ),
            "q5": 'answer_q5 = ""\n',
        },
        "fails": {"test_sgd_hidden", "test_rmsprop_hidden", "test_q5_b", "test_q5_d"},
    },
    # The generator shuffles the caller's X and y in place (X[:] = X[order]): the batches are right,
    # but the data set is reordered behind the caller's back. SGD loops over params instead of grads,
    # so a parameter without a gradient raises KeyError. Adam divides g, not m_hat, by sqrt(s_hat) + eps
    # (RMSProp with bias correction): its first step and any constant gradient are right.
    "reorderer": {
        "answers": {
            "iterate_minibatches": (
                "def iterate_minibatches(X, y, batch_size, rng=None):\n"
                "    n = len(X)\n"
                "    if rng is not None:\n"
                "        order = rng.permutation(n)\n"
                "        X[:] = X[order]\n"
                "        y[:] = y[order]\n"
                "    for start in range(0, n, batch_size):\n"
                "        yield X[start:start + batch_size], y[start:start + batch_size]\n"
            ),
            "SGD": (
                "class SGD:\n"
                "    def __init__(self, lr):\n"
                "        self.lr = lr\n"
                "    def step(self, params, grads):\n"
                "        for k in params:\n"
                "            params[k] -= self.lr * grads[k]\n"
            ),
            "Adam": (
                "class Adam:\n"
                "    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                "        self.lr, self.beta2, self.eps = lr, beta2, eps\n"
                "        self.s, self.t = {}, {}\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            self.t[k] = self.t.get(k, 0) + 1\n"
                "            self.s[k] = self.beta2 * self.s.get(k, 0.0) + (1 - self.beta2) * g * g\n"
                "            s_hat = self.s[k] / (1 - self.beta2 ** self.t[k])\n"
                "            params[k] -= self.lr * g / (np.sqrt(s_hat) + self.eps)\n"
            ),
        },
        "fails": {"test_batches_hidden", "test_sgd_hidden"} | _ADAM_ALL,
    },
    # A cheater who reads the visible test cells: momentum that keeps the caller's gradient array as its
    # velocity, and whose step rebinds the test cell's own helpers (the list of gradients handed so far,
    # the function that finds the optimiser's arrays) through `global` to hide it; "Adam" as sign descent,
    # lr * g / (|g| + eps), which is exactly Adam's first step and right for any constant gradient.
    "meddler": {
        "answers": {
            "Momentum": (
                "class Momentum:\n"
                "    def __init__(self, lr, beta=0.9):\n"
                "        self.lr, self.beta, self.v = lr, beta, {}\n"
                "    def step(self, params, grads):\n"
                "        global given, arrays_in, _given, _arrays_in\n"
                "        given, _given = [], []\n"
                "        arrays_in = _arrays_in = lambda obj, depth=0: []\n"
                "        for k, g in grads.items():\n"
                "            if k not in self.v:\n"
                "                self.v[k] = g\n"
                "            else:\n"
                "                self.v[k] *= self.beta\n"
                "                self.v[k] += g\n"
                "            params[k] -= self.lr * self.v[k]\n"
            ),
            "Adam": (
                "class Adam:\n"
                "    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                "        self.lr, self.eps = lr, eps\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            params[k] -= self.lr * g / (np.abs(g) + self.eps)\n"
            ),
        },
        "fails": {"test_momentum_steps", "test_momentum_hidden"} | _ADAM_ALL,
        "cheats": True,
    },
    # A cheater: answers that lie. The generator hands back the inputs themselves, as an ndarray
    # subclass equal to everything; SGD returns new arrays instead of changing params; Adam puts
    # lying arrays into params; the concept answers are str and float subclasses equal to anything.
    "liar": {
        "answers": {
            "iterate_minibatches": (
                "class Liar(np.ndarray):\n"
                "    def __eq__(self, other):\n"
                "        return np.ones(self.shape, dtype=bool)\n"
                "    def __ne__(self, other):\n"
                "        return np.zeros(self.shape, dtype=bool)\n"
                "    __hash__ = None\n"
                "\n"
                "def iterate_minibatches(X, y, batch_size, rng=None):\n"
                "    yield np.asarray(X, dtype=float).view(Liar), np.asarray(y).view(Liar)\n"
            ),
            "SGD": (
                "class SGD:\n"
                "    def __init__(self, lr):\n"
                "        self.lr = lr\n"
                "    def step(self, params, grads):\n"
                "        return {k: params[k] - self.lr * g for k, g in grads.items()}\n"
            ),
            "Adam": (
                "class Adam:\n"
                "    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                "        self.lr = lr\n"
                "    def step(self, params, grads):\n"
                "        for k, g in grads.items():\n"
                "            params[k] = (params[k] - self.lr * np.sign(g)).view(Liar)\n"
            ),
            "q1": (
                "class Yes(str):\n"
                "    def __eq__(self, other):\n"
                "        return True\n"
                "    __hash__ = str.__hash__\n"
                "answer_q1 = Yes('a')\n"
            ),
            "q4": (
                "class Near(float):\n"
                "    __eq__ = lambda self, other: True\n"
                "    __sub__ = __rsub__ = lambda self, other: 0.0\n"
                "    __abs__ = lambda self: 0.0\n"
                "    __le__ = __ge__ = __lt__ = __gt__ = lambda self, other: True\n"
                "answer_q4 = Near(1.0)\n"
            ),
            "q5": (
                "class Yes(str):\n"
                "    def __eq__(self, other):\n"
                "        return True\n"
                "    def __contains__(self, item):\n"
                "        return True\n"
                "    __hash__ = str.__hash__\n"
                "answer_q5 = Yes('bd')\n"
            ),
        },
        "fails": _BATCHES_ALL | {"test_sgd_step", "test_sgd_hidden", "test_q1", "test_q4"} | _ADAM_ALL | _Q5_ALL,
        "cheats": True,
    },
}
