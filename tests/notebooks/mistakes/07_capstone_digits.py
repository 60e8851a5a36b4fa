"""Simulated students for 07_capstone_digits: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: the predict tests swap in a known-good forward pass, and the
training tests measure accuracy with a forward pass of their own, so a mistake in predict costs
nothing in training and the other way round.
"""

# The training loop, written correctly; the students below vary one part of it.
_TRAIN = (
    "def train_digits_classifier(X_train, y_train, rng, hidden=(128,), epochs=20, lr=2e-3, batch_size=32,\n"
    "                            optimiser='adam', init='he', on_epoch=None):\n"
    "    optimisers = {'adam': Adam, 'momentum': Momentum, 'sgd': SGD}\n"
    "    params = init_mlp([X_train.shape[1], *hidden, 10], {init_rng}, method=init)\n"
    "    opt = optimisers[optimiser](lr)\n"
    "    for epoch in range(1, epochs + 1):\n"
    "        for X_batch, y_batch in {batches}:\n"
    "            _, grads = mlp_loss_and_grads(X_batch, y_batch, params)\n"
    "            opt.step(params, grads)\n"
    "        if on_epoch is not None:\n"
    "            on_epoch(epoch, params)\n"
    "    return params\n"
)


def _train(init_rng="rng", batches="iterate_minibatches(X_train, y_train, batch_size, rng)", defaults=None, prelude=""):
    code = _TRAIN.replace("{init_rng}", init_rng).replace("{batches}", batches)
    for old, new in (defaults or {}).items():
        code = code.replace(old, new)
    return prelude + code


_LIE_STR = "class _Yes(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\n"

STUDENTS = {
    # predict returns the scores themselves (N, 10); Q3 believes a zero start gives a network of width one.
    "scores": {
        "answers": {
            "predict": "def predict(params, X):\n    return mlp_forward(X, params)[0]\n",
            "q3": 'answer_q3 = "b"\n',
        },
        "fails": {"test_predict", "test_predict_hidden", "test_q3"},
    },
    # Probabilities, then the argmax over the wrong axis: shape (10,) for any batch, and for a batch of ten
    # the right shape with the wrong values. Q1 takes the best-of-twelve test accuracy at face value.
    "axis": {
        "answers": {
            "predict": "def predict(params, X):\n    return np.argmax(softmax(mlp_forward(X, params)[0]), axis=0)\n",
            "q1": 'answer_q1 = "a"\n',
        },
        "fails": {"test_predict", "test_predict_hidden", "test_q1"},
    },
    # Under-trains: plain SGD for only 4 epochs reaches about 0.91, short of 0.95 (it
    # passes the sanity check on 600 images). Q2 and Q5 c) think more epochs always help.
    "undertrained": {
        "answers": {
            "train_digits_classifier": _train(defaults={"epochs=20, lr=2e-3": "epochs=4, lr=0.05",
                                                        "optimiser='adam'": "optimiser='sgd'"}),
            "q2": 'answer_q2 = "c"\n',
            "q5": 'answer_q5 = "bcd"\n',
        },
        "fails": {"test_train_accuracy", "test_train_unseen", "test_q2", "test_q5_c"},
    },
    # Randomness from the global generator: np.random.seed inside, then np.random.permutation for the
    # batches; the rng argument is ignored. It trains well, but two seeds give one network and the global
    # state changes. Q4 forgets the biases.
    "global_rng": {
        "answers": {
            "train_digits_classifier": _train(
                init_rng="np.random.default_rng(np.random.randint(1000))",
                batches="iterate_minibatches(X_train, y_train, batch_size, np.random.default_rng(np.random.randint(1000)))",
                prelude="", defaults={"    optimisers = {": "    np.random.seed(0)\n    optimisers = {"}),
            "q4": "answer_q4 = 64 * 128 + 128 * 10\n",
        },
        "fails": {"test_train_rng", "test_q4"},
    },
    # A generator of its own with a fixed seed: deterministic and the global state untouched, but the rng
    # it is given is ignored, so every seed trains the same network. Q5 a) thinks the forward pass learns.
    "own_rng": {
        "answers": {
            "train_digits_classifier": _train(
                defaults={"    optimisers = {": "    rng = np.random.default_rng(0)\n    optimisers = {"}),
            "q5": 'answer_q5 = "abd"\n',
        },
        "fails": {"test_train_rng", "test_q5_a"},
    },
    # A cheater who memorises. Its training ignores the data it is given and learns from every image of the
    # course's digits (test images and their labels included), loaded inside the function; predict returns
    # an ndarray subclass whose comparisons always say "equal"; the concept answers are str and float
    # subclasses equal to everything. check_own sees load_digits (the notebook imports that name), the
    # exact-type checks turn the liars away: it keeps only nothing.
    "cheater": {
        "cheats": True,
        "answers": {
            "train_digits_classifier": _train(defaults={
                "    optimisers = {": ("    from course.data import load_digits\n"
                                       "    X_train, y_train = load_digits('all')\n"
                                       "    optimisers = {")}),
            "predict": (
                "class _Agree(np.ndarray):\n"
                "    def __eq__(self, other):\n"
                "        return np.ones(np.shape(other), dtype=bool)\n"
                "    __hash__ = None\n"
                "def predict(params, X):\n"
                "    return np.argmax(mlp_forward(X, params)[0], axis=1).view(_Agree)\n"
            ),
            "q1": _LIE_STR + "answer_q1 = _Yes('a')\n",
            "q2": _LIE_STR + "answer_q2 = _Yes('b')\n",
            "q3": _LIE_STR + "answer_q3 = _Yes('a')\n",
            "q4": "class _Num(float):\n    def __eq__(self, other):\n        return True\n    __hash__ = float.__hash__\n"
                  "answer_q4 = _Num(1.0)\n",
            "q5": _LIE_STR + "answer_q5 = _Yes('abcd')\n",
        },
        "fails": {"test_predict", "test_predict_hidden", "test_train_params", "test_train_rng", "test_train_learns",
                  "test_train_accuracy", "test_train_unseen", "test_q1", "test_q2", "test_q3", "test_q4", "test_q5_a",
                  "test_q5_b", "test_q5_c", "test_q5_d"},
    },
    # A quieter memoriser: it reads the course's digits file itself (np.load on course.data.DIGITS_FILE, no
    # name check_own knows) and trains on every image, test images included; everything else is right. The
    # renamed-digits check, the audit of files opened while training and the quarter-turned unseen split
    # catch it; its well-formed, seeded networks keep those two points.
    "file_reader": {
        "cheats": True,
        "answers": {
            "train_digits_classifier": _train(defaults={
                "    optimisers = {": ("    import course.data as data\n"
                                       "    with np.load(data.DIGITS_FILE) as f:\n"
                                       "        X_train, y_train = f['images'] / 16.0, f['labels'].astype(np.int64)\n"
                                       "    optimisers = {")}),
        },
        "fails": {"test_train_learns", "test_train_accuracy", "test_train_unseen"},
    },
    # A peeker with a weak training loop (plain SGD, 4 epochs: about 0.91) who keeps the notebook's X_test,
    # y_test and, when handed the full training split, trains on the test images too. The graded split has its
    # pixels shuffled and its digits renamed, so the kept copy only gets in the way.
    "test_peeker": {
        "cheats": True,
        "answers": {
            "train_digits_classifier": "_XT, _YT = X_test, y_test\n" + _train(
                defaults={"epochs=20, lr=2e-3": "epochs=4, lr=0.05", "optimiser='adam'": "optimiser='sgd'",
                          "    return params\n": (
                              "    if X_train.shape[0] == 1438:\n"
                              "        for epoch in range(30):\n"
                              "            for X_batch, y_batch in iterate_minibatches(_XT, _YT, batch_size, rng):\n"
                              "                _, grads = mlp_loss_and_grads(X_batch, y_batch, params)\n"
                              "                opt.step(params, grads)\n"
                              "    return params\n")}),
        },
        "fails": {"test_train_accuracy", "test_train_unseen"},
    },
}
