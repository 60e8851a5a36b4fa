"""Simulated students for 06_vanishing_gradients: typical mistakes, and the test cells each must fail.

Each entry of STUDENTS maps a student id to the answer cells it replaces (by grade_id; the
other answers are the reference solutions) and the grade cells it must lose. Every other
auto-graded cell must score in full: a mistake costs the points of its own function only.
Students marked "cheats" are built to fool the checks (the integrity scan may hold them for review).
"""

_CLIP_ALL = {"test_clip_over", "test_clip_global", "test_clip_under", "test_clip_input_untouched", "test_clip_hidden"}
_NORMS_ALL = {"test_gradient_norms_values", "test_gradient_norms_order", "test_gradient_norms_hidden"}
_Q5_ALL = {"test_q5_a", "test_q5_b", "test_q5_c", "test_q5_d"}

STUDENTS = {
    # The variance passed to rng.normal as the standard deviation, in both initialisers; Q1 believes a
    # larger learning rate lets the first layers catch up.
    "variance": {
        "answers": {
            "xavier_init": (
                "def xavier_init(fan_in, fan_out, rng):\n"
                "    return rng.normal(0.0, 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))\n"
            ),
            "he_init": (
                "def he_init(fan_in, fan_out, rng):\n"
                "    return rng.normal(0.0, 2.0 / fan_in, size=(fan_in, fan_out))\n"
            ),
            "q1": 'answer_q1 = "a"\n',
        },
        "fails": {"test_xavier_stats", "test_he_stats", "test_q1"},
    },
    # He with the fan-out; init_mlp gives the biases small random values; Q4 counts the output layer too.
    "fans": {
        "answers": {
            "he_init": (
                "def he_init(fan_in, fan_out, rng):\n"
                "    return rng.normal(0.0, np.sqrt(2.0 / fan_out), size=(fan_in, fan_out))\n"
            ),
            "init_mlp": (
                "def init_mlp(layer_sizes, rng, method='he'):\n"
                "    params = {}\n"
                "    for l in range(1, len(layer_sizes)):\n"
                "        i, o = layer_sizes[l - 1], layer_sizes[l]\n"
                "        if method == 'he':\n"
                "            params[f'W{l}'] = he_init(i, o, rng)\n"
                "        elif method == 'xavier':\n"
                "            params[f'W{l}'] = xavier_init(i, o, rng)\n"
                "        else:\n"
                "            params[f'W{l}'] = rng.normal(0.0, 0.01, size=(i, o))\n"
                "        params[f'b{l}'] = rng.normal(0.0, 0.01, size=o)\n"
                "    return params\n"
            ),
            "q4": "answer_q4 = 0.25 ** 8\n",
        },
        "fails": {"test_he_stats", "test_init_mlp_biases", "test_q4"},
    },
    # NumPy's global generator instead of rng (and a fixed seed of its own in he_init).
    "global_rng": {
        "answers": {
            "xavier_init": (
                "def xavier_init(fan_in, fan_out, rng):\n"
                "    return np.random.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))\n"
            ),
            "he_init": (
                "def he_init(fan_in, fan_out, rng):\n"
                "    return np.random.default_rng(0).normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))\n"
            ),
            "init_mlp": (
                "def init_mlp(layer_sizes, rng, method='he'):\n"
                "    params = {}\n"
                "    for l in range(1, len(layer_sizes)):\n"
                "        i, o = layer_sizes[l - 1], layer_sizes[l]\n"
                "        std = {'he': np.sqrt(2 / i), 'xavier': np.sqrt(2 / (i + o)), 'small': 0.01}[method]\n"
                "        params[f'W{l}'] = np.random.normal(0.0, std, size=(i, o))\n"
                "        params[f'b{l}'] = np.zeros(o)\n"
                "    return params\n"
            ),
        },
        "fails": {"test_init_rng", "test_init_mlp_methods"},
    },
    # Squared norms; clipping that also scales gradients under the limit (normalising every step);
    # Q3 thinks clipping enlarges a vanishing gradient.
    "squarer": {
        "answers": {
            "gradient_norms": (
                "def gradient_norms(grads):\n"
                "    L = len(grads) // 2\n"
                "    return [float(np.sum(grads[f'W{l}'] ** 2)) for l in range(1, L + 1)]\n"
            ),
            "clip_by_global_norm": (
                "def clip_by_global_norm(grads, max_norm):\n"
                "    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))\n"
                "    scale = max_norm / (total + 1e-6)\n"
                "    return {k: g * scale for k, g in grads.items()}, total\n"
            ),
            "q3": 'answer_q3 = "b"\n',
        },
        "fails": {"test_gradient_norms_values", "test_gradient_norms_hidden", "test_clip_under", "test_clip_hidden",
                  "test_q3"},
    },
    # Layers in the dict's string order (W1, W10, W11, W12, W2, ...); clipping each tensor on its own.
    "sorter": {
        "answers": {
            "gradient_norms": (
                "def gradient_norms(grads):\n"
                "    return [float(np.linalg.norm(grads[k])) for k in sorted(grads) if k.startswith('W')]\n"
            ),
            "clip_by_global_norm": (
                "def clip_by_global_norm(grads, max_norm):\n"
                "    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))\n"
                "    out = {}\n"
                "    for k, g in grads.items():\n"
                "        n = np.sqrt(np.sum(g ** 2))\n"
                "        out[k] = g * (max_norm / (n + 1e-6)) if n > max_norm else g.copy()\n"
                "    return out, total\n"
            ),
        },
        "fails": {"test_gradient_norms_order", "test_gradient_norms_hidden", "test_clip_global", "test_clip_hidden"},
    },
    # Layers last first; clipping in place (the caller's arrays are scaled and the input dict returned);
    # Q5 believes vanishing comes from the learning rate and that ReLU cannot vanish.
    "reverser": {
        "answers": {
            "gradient_norms": (
                "def gradient_norms(grads):\n"
                "    L = len(grads) // 2\n"
                "    return [float(np.linalg.norm(grads[f'W{l}'])) for l in range(L, 0, -1)]\n"
            ),
            "clip_by_global_norm": (
                "def clip_by_global_norm(grads, max_norm):\n"
                "    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))\n"
                "    if total > max_norm:\n"
                "        for g in grads.values():\n"
                "            g *= max_norm / (total + 1e-6)\n"
                "    return grads, total\n"
            ),
            "q5": 'answer_q5 = "abcd"\n',
        },
        "fails": {"test_gradient_norms_values", "test_gradient_norms_order", "test_gradient_norms_hidden",
                  "test_clip_input_untouched", "test_q5_a", "test_q5_c"},
    },
    # The total norm of the weights only (biases left out of the total); clipped gradients put back into
    # the input dict; Q2 trusts Xavier to keep ReLU's variance.
    "weights_only": {
        "answers": {
            "clip_by_global_norm": (
                "def clip_by_global_norm(grads, max_norm):\n"
                "    total = float(np.sqrt(sum(np.sum(g ** 2) for k, g in grads.items() if k.startswith('W'))))\n"
                "    if total > max_norm:\n"
                "        for k in grads:\n"
                "            grads[k] = grads[k] * (max_norm / (total + 1e-6))\n"
                "    return dict(grads), total\n"
            ),
            "q2": 'answer_q2 = "a"\n',
        },
        "fails": {"test_clip_global", "test_clip_input_untouched", "test_clip_hidden", "test_q2"},
    },
    # A cheater: answers that lie. xavier_init hands back an ndarray subclass equal to everything;
    # gradient_norms a list subclass equal to anything; clip_by_global_norm returns the input with a
    # float subclass that equals any number; the concept answers are str and float subclasses.
    "liar": {
        "answers": {
            "xavier_init": (
                "class Liar(np.ndarray):\n"
                "    def __eq__(self, other):\n"
                "        return np.ones(self.shape, dtype=bool)\n"
                "    def __ne__(self, other):\n"
                "        return np.zeros(self.shape, dtype=bool)\n"
                "    __hash__ = None\n"
                "\n"
                "def xavier_init(fan_in, fan_out, rng):\n"
                "    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out)).view(Liar)\n"
            ),
            "gradient_norms": (
                "class Same(list):\n"
                "    def __eq__(self, other):\n"
                "        return True\n"
                "    __hash__ = None\n"
                "\n"
                "def gradient_norms(grads):\n"
                "    return Same([1.0] * (len(grads) // 2))\n"
            ),
            "clip_by_global_norm": (
                "class Near(float):\n"
                "    __eq__ = lambda self, other: True\n"
                "    __sub__ = __rsub__ = lambda self, other: 0.0\n"
                "    __abs__ = lambda self: 0.0\n"
                "    __le__ = __ge__ = __lt__ = __gt__ = lambda self, other: True\n"
                "    __hash__ = float.__hash__\n"
                "\n"
                "def clip_by_global_norm(grads, max_norm):\n"
                "    return grads, Near(max_norm)\n"
            ),
            "q1": (
                "class Yes(str):\n"
                "    def __eq__(self, other):\n"
                "        return True\n"
                "    __hash__ = str.__hash__\n"
                "answer_q1 = Yes('b')\n"
            ),
            "q4": (
                "class Close(float):\n"
                "    __eq__ = lambda self, other: True\n"
                "    __sub__ = __rsub__ = lambda self, other: 0.0\n"
                "    __abs__ = lambda self: 0.0\n"
                "    __le__ = __ge__ = __lt__ = __gt__ = lambda self, other: True\n"
                "answer_q4 = Close(1.0)\n"
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
        "fails": {"test_init_shapes", "test_xavier_stats", "test_init_rng", "test_q1", "test_q4"}
                 | _NORMS_ALL | _CLIP_ALL | _Q5_ALL,
        "cheats": True,
    },
    # clip_grad_norm_ without its 1e-6 (max_norm / total_norm); Q2 thinks ReLU doubles the variance.
    "no_eps": {
        "answers": {
            "clip_by_global_norm": (
                "def clip_by_global_norm(grads, max_norm):\n"
                "    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))\n"
                "    scale = max_norm / total if total > max_norm else 1.0\n"
                "    return {k: g * scale for k, g in grads.items()}, total\n"
            ),
            "q2": 'answer_q2 = "b"\n',
        },
        "fails": {"test_clip_over", "test_clip_global", "test_clip_hidden", "test_q2"},
    },
    # LeCun's std sqrt(1 / fan_in) taken for Xavier; init_mlp defaults to "xavier"; Q5 misses d).
    "lecun": {
        "answers": {
            "xavier_init": (
                "def xavier_init(fan_in, fan_out, rng):\n"
                "    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))\n"
            ),
            "init_mlp": (
                "def init_mlp(layer_sizes, rng, method='xavier'):\n"
                "    params = {}\n"
                "    for l in range(1, len(layer_sizes)):\n"
                "        i, o = layer_sizes[l - 1], layer_sizes[l]\n"
                "        if method == 'he':\n"
                "            params[f'W{l}'] = he_init(i, o, rng)\n"
                "        elif method == 'xavier':\n"
                "            params[f'W{l}'] = xavier_init(i, o, rng)\n"
                "        else:\n"
                "            params[f'W{l}'] = rng.normal(0.0, 0.01, size=(i, o))\n"
                "        params[f'b{l}'] = np.zeros(o)\n"
                "    return params\n"
            ),
            "q5": 'answer_q5 = "b"\n',
        },
        "fails": {"test_xavier_stats", "test_init_mlp_methods", "test_q5_d"},
    },
    # init_mlp hands the fans over swapped and transposes to fix the shape (so He divides by the
    # fan-out); gradient_norms counts each layer's bias in its norm.
    "swapped": {
        "answers": {
            "init_mlp": (
                "def init_mlp(layer_sizes, rng, method='he'):\n"
                "    params = {}\n"
                "    for l in range(1, len(layer_sizes)):\n"
                "        i, o = layer_sizes[l - 1], layer_sizes[l]\n"
                "        if method == 'he':\n"
                "            params[f'W{l}'] = he_init(o, i, rng).T.copy()\n"
                "        elif method == 'xavier':\n"
                "            params[f'W{l}'] = xavier_init(o, i, rng).T.copy()\n"
                "        else:\n"
                "            params[f'W{l}'] = rng.normal(0.0, 0.01, size=(i, o))\n"
                "        params[f'b{l}'] = np.zeros(o)\n"
                "    return params\n"
            ),
            "gradient_norms": (
                "def gradient_norms(grads):\n"
                "    L = len(grads) // 2\n"
                "    return [float(np.sqrt(np.sum(grads[f'W{l}'] ** 2) + np.sum(grads[f'b{l}'] ** 2)))\n"
                "            for l in range(1, L + 1)]\n"
            ),
        },
        "fails": {"test_init_mlp_methods", "test_gradient_norms_values", "test_gradient_norms_hidden"},
    },
    # A cheater who reuses what grade cells leave in the notebook's namespace (an expected list or dict,
    # a reference clipper), with wrong code to fall back on: layers in string order, per-tensor clipping.
    # The hidden checks keep their data and references local and compute them after the call.
    "scavenger": {
        "answers": {
            "gradient_norms": (
                "def gradient_norms(grads):\n"
                "    try:\n"
                "        found = _expected\n"
                "    except NameError:\n"
                "        found = None\n"
                "    if isinstance(found, list) and len(found) == len(grads) // 2:\n"
                "        return [float(v) for v in found]\n"
                "    return [float(np.linalg.norm(grads[k])) for k in sorted(grads) if k.startswith('W')]\n"
            ),
            "clip_by_global_norm": (
                "def clip_by_global_norm(grads, max_norm):\n"
                "    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))\n"
                "    try:\n"
                "        return _reference(grads, max_norm)\n"
                "    except NameError:\n"
                "        pass\n"
                "    try:\n"
                "        found = _expected\n"
                "    except NameError:\n"
                "        found = None\n"
                "    if isinstance(found, dict) and set(found) == set(grads):\n"
                "        return {k: np.array(v) for k, v in found.items()}, total\n"
                "    out = {}\n"
                "    for k, g in grads.items():\n"
                "        n = np.sqrt(np.sum(g ** 2))\n"
                "        out[k] = g * (max_norm / (n + 1e-6)) if n > max_norm else g.copy()\n"
                "    return out, total\n"
            ),
        },
        "fails": {"test_gradient_norms_order", "test_gradient_norms_hidden", "test_clip_global", "test_clip_hidden"},
        "cheats": True,
    },
    # A cheater who reads the calling check's frame through an exception's traceback (getattr with
    # built-up names, which the scan does not see) and copies any expected dict or reference it finds;
    # per-tensor clipping otherwise.
    "stack_reader": {
        "answers": {
            "clip_by_global_norm": (
                "def clip_by_global_norm(grads, max_norm):\n"
                "    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))\n"
                "    try:\n"
                "        raise KeyError\n"
                "    except KeyError as error:\n"
                "        caller = getattr(getattr(error.__traceback__, 'tb_' + 'frame'), 'f_' + 'back')\n"
                "    seen = dict(getattr(caller, 'f_' + 'locals'))\n"
                "    for name, value in seen.items():\n"
                "        if name.strip('_') in ('reference', 'ref') and callable(value):\n"
                "            return value(grads, max_norm)\n"
                "        if name.strip('_') == 'expected' and isinstance(value, dict) and set(value) == set(grads):\n"
                "            return {k: np.array(v) for k, v in value.items()}, total\n"
                "    out = {}\n"
                "    for k, g in grads.items():\n"
                "        n = np.sqrt(np.sum(g ** 2))\n"
                "        out[k] = g * (max_norm / (n + 1e-6)) if n > max_norm else g.copy()\n"
                "    return out, total\n"
            ),
        },
        "fails": {"test_clip_global", "test_clip_hidden"},
        "cheats": True,
    },
}
