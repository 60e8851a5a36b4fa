r"""The hints of every exercise, in three steps: a nudge, the key idea, the shape of the answer.

``HINTS[assignment][exercise] = (title, (nudge, key idea, shape))``, where ``exercise`` is the
``grade_id`` of the exercise's answer cell in the notebook. The texts are shown by
:func:`course.hints.hint`; they use `code`, **bold**, $maths$ and lines starting with "- " for
lists. None of them may hold a line of a reference solution (``tests/test_hints.py`` checks).
"""

HINTS = {
    "01_forward_pass": {
        "sigmoid": ("`sigmoid`", (
            r"Try your function on `np.array([-1000.0, 0.0, 1000.0])` and watch for a `RuntimeWarning`. "
            r"Which of the two formulas above exponentiates a huge number, and for which sign of $z$?",
            r"Only ever exponentiate numbers that are $\le 0$. The quantity $e^{-|z|}$ lies in $(0, 1]$ for every "
            r"$z$, and both formulas can be written with it: $\frac{1}{1 + e^{-|z|}}$ when $z \ge 0$ and "
            r"$\frac{e^{-|z|}}{1 + e^{-|z|}}$ when $z < 0$. `np.where` computes both branches for every element, "
            r"so build both from this safe quantity.",
            r"Four steps:"
            "\n- turn `z` into a float array;"
            "\n- compute the safe exponential once: an array shaped like `z`;"
            "\n- choose, element by element, between the two fractions with `np.where` on the sign of `z`;"
            "\n- for a plain number the result is a 0-d array: return `out[()]` then, else the array itself.",
        )),
        "relu": ("`relu`", (
            r"ReLU keeps the positive entries and puts 0 in place of the negative ones, each entry on its own. "
            r"`np.max` is not that: it reduces along an axis and changes the shape.",
            r"You want the **elementwise** maximum of `z` and the number 0. NumPy broadcasts the 0 against every "
            r"entry, and returns a new array, so the caller's `z` stays as it was (unlike `z[z < 0] = 0`).",
            r"One line, with no loop and no `if`: `z` as a float array (so integers give floats), then NumPy's "
            r"**two-argument**, elementwise maximum of it and 0, a sibling of `np.max` (look it up). The result is a "
            r"new array with the shape of `z`; nothing is assigned into `z`.",
        )),
        "dense_forward": ("`dense_forward`", (
            r"Write the shapes down: `X` is $(N, D_\text{in})$, `W` is $(D_\text{in}, D_\text{out})$ and `b` is "
            r"$(D_\text{out},)$. Which product of `X` and `W` has matching inner dimensions?",
            r"One matrix product computes every neuron on every example. The bias is then added to every row by "
            r"broadcasting: no loop is needed.",
            r"A single expression, no loop and no reshape: a matrix product whose shapes chain, "
            r"$(N, D_\text{in})\,(D_\text{in}, D_\text{out}) \to (N, D_\text{out})$ (so which operand comes first?), "
            r"then the bias added as it is: its $(D_\text{out},)$ broadcasts over the $N$ rows.",
        )),
        "mlp_forward": ("`mlp_forward`", (
            r"Start from the maths of section 5: $A^{[0]} = X$, then the same two steps for every layer. How many "
            r"layers are there? Count the weight matrices in `params`.",
            r"Loop over layer **numbers** $l = 1, \dots, L$ and look each layer's weights and bias up by name "
            r'(`f"W{l}"`), never by sorted key strings. Apply the activation after every layer but the last, and '
            r"keep each layer's input and pre-activation in the cache as you go.",
            r"The shape of the answer:"
            "\n- choose the activation function from the string (a small dict of `relu`, `sigmoid` and `np.tanh`), "
            r"and raise a `ValueError` for any other name;"
            "\n- $L$ is half the number of keys of `params`;"
            "\n- start with $A = X$ and an empty list for the cache;"
            "\n- for each layer: $Z$ from your `dense_forward`, shape $(N, \\text{width of layer } l)$; store the pair "
            r"($A$, $Z$) in the cache; the next $A$ is the activation of $Z$ for a hidden layer, and $Z$ itself for "
            r"the last;"
            "\n- return the last $A$ (the scores, $(N, C)$) and the cache.",
        )),
    },
    "02_loss_functions": {
        "mse_loss": ("`mse_loss`", (
            r"The worked example gives 2.25 for four numbers: a mean, not a sum. Which NumPy function averages over "
            r"every element, whatever the shape?",
            r"Subtract, square each difference, average over **all** elements (no `axis`), and turn the result into "
            r"a Python `float`.",
            r"Two steps: the differences, an array with the inputs' shape, $(N,)$ or $(N, K)$ (make both inputs "
            r"float arrays first); then a single number, the mean of their squares over all $N \cdot K$ entries, "
            r"turned into a Python `float` (a `numpy.float64` is not accepted).",
        )),
        "binary_cross_entropy": ("`binary_cross_entropy`", (
            r"Where does the formula break? Try $p = 0$ or $p = 1$: one of the two logarithms becomes $\log 0$. "
            r"The fix is applied to `p` before any logarithm is taken.",
            r"Clip `p` into $[10^{-12}, 1 - 10^{-12}]$ with `np.clip`, which returns a new array (the caller's `p` "
            r"stays as it was). Then every logarithm is finite, and the formula works elementwise on whole arrays.",
            r"The shape of the answer:"
            "\n- a clipped float copy of `p`;"
            "\n- `y` as floats;"
            r"""
- the loss of each example, $-\big(y \log p + (1 - y) \log(1 - p)\big)$, elementwise: shape $(N,)$;"""
            "\n- `float` of its mean.",
        )),
        "softmax": ("`softmax`", (
            r"Why does `np.exp(1000.0)` overflow? And what happens to a row's softmax if you add the same number to "
            r"every score of that row?",
            r"Subtracting a row's own maximum leaves its softmax unchanged and makes every exponent $\le 0$: nothing "
            r"overflows, and the largest term is exactly 1. Reduce with `axis=1` and `keepdims=True`, so that the "
            r"$(N, 1)$ column broadcasts against $(N, C)$ row by row.",
            r"The shape of the answer:"
            "\n- the scores as a float array (never change the caller's array in place);"
            "\n- the maximum of each row: shape $(N, 1)$;"
            "\n- the exponentials of the shifted scores: $(N, C)$;"
            "\n- each divided by its row's sum, $(N, 1)$ again. The result is $(N, C)$ and each row sums to 1.",
        )),
        "softmax_cross_entropy": ("`softmax_cross_entropy`", (
            r"Do not form the probabilities at all: $e^{-2000}$ underflows to 0, and its logarithm is $-\infty$. "
            r"Look at the loss written with the scores only.",
            r"For each example: the loss is the log-sum-exp of its row minus the score of its true class. Compute "
            r"the log-sum-exp as $m + \log\sum_k e^{z_k - m}$ with $m$ the row's own maximum. Fancy indexing with "
            r"`np.arange(N)` and `y` picks each row's true-class score.",
            r"The shape of the answer:"
            "\n- the scores as a float array, $(N, C)$;"
            "\n- the maximum of each row, $m$: $(N, 1)$;"
            "\n- the log-sum-exp of each row: $(N,)$ (drop the kept dimension of $m$ when you add it);"
            "\n- the score of each example's true class: $(N,)$;"
            "\n- `float` of the mean of the log-sum-exps minus the true-class scores.",
        )),
    },
    "03_chain_rule": {
        "numerical_gradient": ("`numerical_gradient`", (
            r"For an `x` with two entries, how many calls of `f` does the central difference need, and which entry "
            r"of `x` is nudged in each call?",
            r"One entry at a time: save its value, set it to the saved value $+ h$ and call `f`, set it to the saved "
            r"value $- h$ and call `f` again, then put the **saved** value back (not by subtracting $h$). The "
            r"estimate for that entry is the difference of the two results divided by $2h$.",
            r"The shape of the answer:"
            "\n- an array of float zeros shaped like `x`, for the result;"
            "\n- a loop over `np.ndindex(x.shape)`;"
            "\n- inside it: save, nudge up, evaluate, nudge down, evaluate, restore, and store the quotient at that "
            r"index;"
            "\n- return the array. `f` sees `x` itself, changed in place, never a copy.",
        )),
        "relative_error": ("`relative_error`", (
            r"Work elementwise first and reduce last: one ratio per entry, then the largest of them.",
            r"The numerator is $|a - b|$; the denominator is the larger of $10^{-8}$ and $|a| + |b|$, entry by entry "
            r"(`np.maximum`, not Python's `max`). Make `a` and `b` float arrays first, so that plain numbers work "
            r"too.",
            r"The shape of the answer: two float arrays of the same shape, then an array of ratios of that shape, "
            r"then its largest entry, returned as a Python `float`. Two zeros give $0 / 10^{-8} = 0$, with no "
            r"warning.",
        )),
        "value_class": ("`Value`: `*` and `**`", (
            r"Copy the pattern of `__add__`: the forward value and its `_backward` side by side. What changes for "
            r"`*` and `**` is the local derivatives.",
            r"For $out = a \cdot b$: $\partial out / \partial a = b$ and $\partial out / \partial b = a$, so each "
            r"input's gradient grows by *the other factor's data* times the output's gradient. Use `+=`, never `=`: "
            r"a node may feed several others. For $a^n$ the exponent $n$ is a plain number, so `self` is the only "
            r"input, with local derivative $n\,a^{n-1}$.",
            r"The shape of `__mul__`:"
            "\n- wrap a plain number in a `Value`, as `__add__` does;"
            "\n- make the output node from the product, with children `(self, other)` and the op `\"*\"`;"
            "\n- define a `_backward` that adds each input's local derivative times the output's gradient to that "
            r"input's `.grad`;"
            "\n- attach it to the output and return the output."
            "\n\n`__pow__` has the same shape, with one child and the op written as in the instructions.",
        )),
        "value_derived": ("`Value`: `-`, `/` and the reflected operations", (
            r"None of these needs a `_backward` of its own: build each from `+`, `*` and `**`, which already know "
            r"their derivatives.",
            r"Follow the table: negation is multiplication by $-1$, subtraction is adding the negation, division is "
            r"multiplying by the power $-1$. In a reflected method the number arrives as `other` and belongs on the "
            r"**left** of the operation: `__rsub__` computes *other minus self*, `__rtruediv__` *other divided by "
            r"self*.",
            r"Each body is a single `return` of an expression of `self` and `other`. Keep a `Value` on the left of "
            r"every operator you use (negate `self` first in `__rsub__`), or Python calls the reflected method "
            r"again and never stops.",
        )),
        "value_nonlinear": ("`Value`: `tanh`, `exp` and `relu`", (
            r"The same pattern as `__mul__` in Part C1, with a single input: compute the forward number, make the "
            r"output node, attach a `_backward`.",
            r"Local derivatives: for `tanh`, $1 - t^2$ with $t$ the output's value; for `exp`, the output's value "
            r"itself; for `relu`, 1 where the input's data is positive and 0 otherwise. Each `_backward` adds the "
            r"local derivative times the output's gradient to `self.grad`.",
            r"The shape of each method:"
            "\n- the forward number (`math.tanh`, `math.exp`, or the larger of the data and 0);"
            "\n- the output node with the child `(self,)` and the method's name as its op;"
            "\n- a nested `_backward` that adds to `self.grad` with `+=`;"
            "\n- attach it, and return the output node.",
        )),
        "value_backward": ("`Value.backward`", (
            r"Two phases: first list the nodes so that each comes after every node it was computed from; then walk "
            r"that list from the end.",
            r"Build the list with a depth-first search: a nested function that marks a node as visited (by `id`), "
            r"visits the node's `_prev` first, and only then appends the node. Seed the output's gradient with 1, "
            r"then call each node's `_backward` once, from the output down.",
            r"The shape of the answer:"
            "\n- an empty list for the order and an empty set of visited ids;"
            "\n- the nested function, which recurses into the children before appending;"
            "\n- one call of it on `self`;"
            "\n- the seed;"
            "\n- a loop over the reversed list, calling each node's `_backward`.",
        )),
    },
    "04_backpropagation": {
        "relu_backward": ("`relu_backward`", (
            r"Where did the forward ReLU let the signal through? Only where $Z > 0$; everywhere else its slope is 0.",
            r"$dZ$ equals $dA$ where $Z > 0$ and 0 elsewhere: the mask comes from `Z`, not from the sign of `dA`. "
            r"Build a new array rather than writing into `dA`.",
            r"One expression, no loop: a boolean mask shaped like `Z` (True where the unit was active), used to keep "
            r"the entries of `dA` there and put 0 elsewhere: the elementwise choice you used in notebook 01's "
            r"`sigmoid` does it. The result is a new float array shaped like `Z`, never `dA` itself.",
        )),
        "sigmoid_backward": ("`sigmoid_backward`", (
            r"`Z` is the **pre**-activation. The derivative $\sigma(1 - \sigma)$ needs $\sigma(Z)$, not `Z` itself.",
            r"Compute the sigmoid of `Z` once, with the given `sigmoid` (it never overflows), then "
            r"$dZ = dA \odot \sigma(Z)\,\big(1 - \sigma(Z)\big)$, elementwise.",
            r"Two lines: the sigmoid of the pre-activation (shaped like `Z`), then the elementwise product of `dA`, "
            r"that array and one minus that array.",
        )),
        "tanh_backward": ("`tanh_backward`", (
            r"The same pattern as the sigmoid's: the derivative of $\tanh$ is written with $\tanh$ itself.",
            r"With $t = \tanh(Z)$, $\phi'(Z) = 1 - t^2$; multiply it elementwise by `dA`.",
            r"Two lines: $\tanh$ of the pre-activation with `np.tanh` (shaped like `Z`), then `dA` times one minus "
            r"its square, elementwise.",
        )),
        "dense_backward": ("`dense_backward`", (
            r"Write the shape of each gradient first: `dX` like `X`, $(N, D_\text{in})$; `dW` like `W`, "
            r"$(D_\text{in}, D_\text{out})$; `db` like `b`, $(D_\text{out},)$. `dZ` is $(N, D_\text{out})$.",
            r"Each gradient is one matrix product or one sum, and the shapes force the order. `dW` sums over the "
            r"batch, the inner index of $X^\top dZ$; `dX` is $dZ\,W^\top$; `db` adds `dZ` up over the batch axis, "
            r"axis 0 (a sum, not a mean: the $1/N$ is already inside `dZ`).",
            r"Three lines and a return of the tuple in the order (`dX`, `dW`, `db`):"
            "\n- $(N, D_\\text{out})\\,(D_\\text{out}, D_\\text{in}) \\to (N, D_\\text{in})$;"
            "\n- $(D_\\text{in}, N)\\,(N, D_\\text{out}) \\to (D_\\text{in}, D_\\text{out})$;"
            "\n- a sum over axis 0: $(D_\\text{out},)$.",
        )),
        "softmax_cross_entropy_backward": ("`softmax_cross_entropy_backward`", (
            r"Predicted minus true, divided by $N$: start from the probabilities, and subtract 1 where a class is "
            r"the true one.",
            r"$dS = (P - Y)/N$. Compute $P$ with the given `softmax` (a new array, so `scores` is safe), subtract 1 "
            r"at one entry per row, the true class, with fancy indexing, and divide by the batch size $N$.",
            r"The shape of the answer:"
            "\n- $N$ from the first dimension of `scores`;"
            "\n- $P$: $(N, C)$;"
            "\n- 1 subtracted at each row's true class;"
            "\n- the result divided by $N$: $(N, C)$, each row summing to 0.",
        )),
        "mlp_loss_and_grads": ("`mlp_loss_and_grads`", (
            r"Forward once, compute the loss, then walk the layers from $L$ down to 1: the recursion of section 5 "
            r"has one step per layer. Which arrays of the cache does each step need?",
            r"Start from $dZ^{[L]}$, the gradient of the loss at the scores (your "
            r"`softmax_cross_entropy_backward`). At layer $l$, `dense_backward` with that layer's input "
            r"$A^{[l-1]}$ and $W^{[l]}$ gives $dW^{[l]}$, $d\mathbf{b}^{[l]}$ and the $dA$ of the layer below. If "
            r"$l > 1$, turn that $dA$ into $dZ^{[l-1]}$ with the activation's backward function and $Z^{[l-1]}$, "
            r"the pre-activation stored with the **previous** layer.",
            r"The shape of the answer:"
            "\n- choose the backward function from the `activation` string;"
            "\n- the scores and the cache from one call of `mlp_forward`, and the loss (a float) from "
            r"`softmax_cross_entropy`;"
            "\n- $dZ$ at the scores, $(N, C)$, and an empty dict for the gradients;"
            "\n- a loop over the layer numbers from $L$ down to 1 that stores `dW` and `db` under layer $l$'s names "
            r"and, while $l > 1$, replaces $dZ$ by the one of the layer below;"
            "\n- return the loss and the dict.",
        )),
    },
    "05_gradient_descent": {
        "iterate_minibatches": ("`iterate_minibatches`", (
            r"First decide the order of the examples for the whole pass, once; then cut that order into "
            r"consecutive chunks.",
            r"The order is $0, 1, \dots, N-1$ without `rng`, and otherwise a single `rng.permutation(N)` drawn "
            r"before the loop. A chunk of the order is an array of indices: index both `X` and `y` with the same "
            r"chunk, so that pairs stay together, and `yield` the pair.",
            r"The shape of the answer:"
            "\n- $N$ from the first dimension of `X`;"
            "\n- the order: shape $(N,)$;"
            "\n- a loop over the start positions $0, B, 2B, \\dots$ below $N$;"
            "\n- the slice of the order from the start to the start plus $B$ (slicing makes the last one shorter "
            r"by itself);"
            "\n- `yield` `X` and `y` at those indices.",
        )),
        "SGD": ("`SGD`", (
            r"The rule is $\theta \leftarrow \theta - \eta\, g$ for every parameter. The catch is *in place*.",
            r"Change the array that `params[name]` already holds instead of putting a new array under that name: "
            r"an augmented assignment does that for NumPy arrays, while `x = x - ...` makes a new one. Loop over the "
            r"names in `grads`, not `params` (a frozen parameter has no gradient), and read `self.lr` at every step.",
            r"Two lines: a loop over the pairs (name, gradient), and one in-place update of the parameter of that "
            r"name by the rule. `step` returns nothing, and never changes the gradients.",
        )),
        "Momentum": ("`Momentum`", (
            r"Momentum needs a memory between calls: one velocity per parameter name. Where can it live?",
            r"Keep a dict of velocities on the object, created empty in `__init__`. In `step`, the first time a name "
            r"comes, its velocity is a **copy** of the gradient; after that $v \leftarrow \beta v + g$. Then "
            r"$\theta \leftarrow \theta - \eta\, v$, in place.",
            r"The shape of the answer: `__init__` adds the empty dict. `step` loops over the gradients; for each name "
            r"it either updates the stored velocity by the formula or starts it as a float copy of the gradient, "
            r"stores it, and subtracts the learning rate times the velocity from the parameter in place.",
        )),
        "RMSProp": ("`RMSProp`", (
            r"The same skeleton as `Momentum`, with a running average of **squared** gradients in place of a "
            r"velocity.",
            r"Per name: $s \leftarrow \alpha s + (1 - \alpha) g^2$, starting from zeros shaped like the parameter, "
            r"then $\theta \leftarrow \theta - \eta\, g / (\sqrt{s} + \epsilon)$, with $\epsilon$ outside the "
            r"square root. Keep the new $s$ for the next call.",
            r"The shape of the answer: `__init__` adds an empty dict. `step` loops over the gradients: fetch the "
            r"name's $s$ (zeros the first time), update it elementwise, store it, then update the parameter in "
            r"place. No stored $s$ is ever the caller's gradient array.",
        )),
        "Adam": ("`Adam`", (
            r"Adam is momentum's average and RMSProp's average together, both corrected for starting at zero. It "
            r"keeps three things per parameter name.",
            r"Per name: a step count $t$ (one more at each update of that name), $m$ and $s$ updated by the "
            r"formulas, then $\hat m = m / (1 - \beta_1^t)$, $\hat s = s / (1 - \beta_2^t)$ and "
            r"$\theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat s} + \epsilon)$. A name left out of a call "
            r"keeps its own $t$.",
            r"The shape of the answer: `__init__` adds three empty dicts ($m$, $s$ and $t$). `step` loops over the "
            r"gradients: the name's new $t$ (its previous count, or 0, plus one), its new $m$ and $s$ (from the "
            r"previous ones, or 0), all three stored, the two corrected averages, and the in-place update of the "
            r"parameter.",
        )),
    },
    "06_vanishing_gradients": {
        "xavier_init": ("`xavier_init`", (
            r"Which number does `rng.normal` take as its `scale`: the variance or the standard deviation?",
            r"The standard deviation is $\sqrt{2 / (n_\text{in} + n_\text{out})}$. Draw an array of shape "
            r"`(fan_in, fan_out)` of normal numbers with mean 0 and that standard deviation from the `rng` you are "
            r"given.",
            r"Two lines: the standard deviation as a number, then one call of the generator's `normal` with "
            r"`size=(fan_in, fan_out)`. Never `np.random`: the same seed must give the same matrix.",
        )),
        "he_init": ("`he_init`", (
            r"Like `xavier_init`, but which of the two fans does He's formula use?",
            r"The standard deviation is $\sqrt{2 / n_\text{in}}$: the fan-out plays no part in it (it still sets "
            r"the shape).",
            r"Two lines, as in `xavier_init`: the standard deviation, then one draw from `rng` with mean 0, that "
            r"standard deviation and `size=(fan_in, fan_out)`.",
        )),
        "init_mlp": ("`init_mlp`", (
            r"`layer_sizes` has one more entry than there are layers: layer $l$ connects `layer_sizes[l - 1]` "
            r"inputs to `layer_sizes[l]` units.",
            r"Loop over $l = 1, \dots, L$. For each layer draw its `W` with the chosen method (your `he_init` or "
            r'`xavier_init`, or a normal draw from `rng` with standard deviation 0.01 for `"small"`) and give it '
            r"a bias of zeros. Raise a `ValueError` for an unknown method.",
            r"The shape of the answer:"
            "\n- an empty dict;"
            "\n- a loop over the layer numbers, in order 1, 2, … (so that a seed always gives the same network);"
            "\n- inside it: the two fans, an `if`/`elif` chain that draws `W` of shape $(n_\\text{in}, "
            r"n_\text{out})$, a zero bias of shape $(n_\text{out},)$, both stored under layer $l$'s names;"
            "\n- return the dict.",
        )),
        "gradient_norms": ("`gradient_norms`", (
            r"Only the weights count: skip the `b` keys. And layer 10 must come after layer 9: how do you get that "
            r"order?",
            r"Count the layers (the keys that start with `W`), loop over the layer **numbers**, and take the "
            r"Frobenius norm of each weight gradient: the square root of the sum of its squared entries (or "
            r"`np.linalg.norm`). Turn each into a Python `float`.",
            r"The shape of the answer: $L$ from the keys, then a list built in a loop (or a list comprehension) "
            r"over $l = 1, \dots, L$, each element one norm as a `float`. Return the list, of length $L$.",
        )),
        "clip_by_global_norm": ("`clip_by_global_norm`", (
            r"Treat all the gradients, weights and biases, as one long vector: one norm for all of them, and one "
            r"scale factor for all of them.",
            r"The total norm is the square root of the sum of the squares of every entry of every array in `grads`. "
            r"If it is larger than `max_norm`, multiply every gradient by `max_norm / (total_norm + 1e-6)`; "
            r"otherwise keep the values. Either way, build a new dict of new arrays.",
            r"The shape of the answer:"
            "\n- the total norm as a Python `float`, from a sum over the arrays of `grads`;"
            "\n- if it is over the limit: a new dict of scaled arrays (`g * scale` makes a new array; `*=` would "
            r"change the caller's);"
            "\n- otherwise: a new dict of copies;"
            "\n- return the dict and the total norm, as a pair.",
        )),
    },
    "07_capstone_digits": {
        "toolbox": ("the toolbox", (
            r"You have written every piece already. The quickest route is `paste_toolbox()` (see the instructions "
            r"above), which copies your own answers from notebooks 01–06.",
            r"If you paste or write by hand, bring each piece **with the helpers it calls**: `mlp_forward` needs "
            r"`dense_forward`, `relu` and `sigmoid`; `mlp_loss_and_grads` needs the activations' backward "
            r"functions, `dense_backward` and `softmax_cross_entropy_backward`; `init_mlp` needs `he_init` and "
            r"`xavier_init`. Then run the toolbox check below: it names each piece that is wrong.",
            r"The shape of the cell: your functions in the order they depend on each other:"
            "\n- 01's forward pieces;"
            "\n- 02's `softmax` and `softmax_cross_entropy`;"
            "\n- 04's backward pieces and `mlp_loss_and_grads`;"
            "\n- 05's `iterate_minibatches` and the optimiser classes (`Adam` at least);"
            "\n- 06's initialisers and `init_mlp`."
            "\n\nNothing else: no training in this cell.",
        )),
        "predict": ("`predict`", (
            r"The network gives 10 scores per image. The answer for an image is the position of its largest "
            r"score.",
            r"Run your `mlp_forward` (it returns a pair: you need the scores), then take the index of the largest "
            r"entry along the class axis, axis 1.",
            r"Two lines: the scores, shape $(N, 10)$, from the forward pass (mind the order: `predict` takes "
            r"`params` first, `mlp_forward` takes `X` first); then an integer array of shape $(N,)$, one index per "
            r"row, by `np.argmax` over the class axis. No softmax is needed.",
        )),
        "train_digits_classifier": ("`train_digits_classifier`", (
            r"This is notebook 05's training loop, built from your toolbox: the plan above is the whole algorithm. "
            r"Where could randomness creep in that does not come from `rng`?",
            r"Give `rng` to both `init_mlp` (with the chosen `init` method) and `iterate_minibatches` (a fresh order "
            r"every epoch). Choose the optimiser class from the `optimiser` string and build it with `lr`. After "
            r"each epoch, give the epoch number and the parameters to the `on_epoch` callback, if there is one. "
            r"Return the parameters.",
            r"The shape of the answer:"
            "\n- the optimiser class for the `optimiser` string (the checks use the default, `\"adam\"`: name only the "
            r"classes your toolbox defines, or a missing one raises a `NameError`);"
            "\n- the parameters from `init_mlp`, for the layer sizes 64, the hidden widths, 10, and the method `init`;"
            "\n- the optimiser;"
            "\n- two nested loops: the epochs 1 to `epochs`, and the mini-batches of each epoch;"
            "\n- inside: the gradients from `mlp_loss_and_grads`, then one optimiser step;"
            "\n- after each epoch, the optional callback;"
            "\n- return the parameters."
            "\n\nThe defaults reach 0.95 in about a second. If yours is much slower, look for work done twice per "
            r"batch.",
        )),
    },
}
