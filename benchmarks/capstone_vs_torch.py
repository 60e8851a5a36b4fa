"""The capstone's reference training in NumPy against the same training in PyTorch (eager, CPU).

Both train the same network (the reference defaults: 64 → 128 → 10, ReLU) on the same digits, from the same initial weights,
with the same mini-batches in the same order, the same batch size, epochs and Adam settings, in
float64, on one CPU thread. The NumPy side is the course's reference solution, taken from the source
notebook's answer cells (``course.grading.nbtools.solution_namespace``). PyTorch is not a course
dependency: without it, only the NumPy time is printed.

    .venv/bin/python benchmarks/capstone_vs_torch.py [--repeat 5]
    # with PyTorch, e.g. in a throwaway venv:
    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch numpy matplotlib \\
        && /tmp/torchvenv/bin/pip install -e . --no-deps && /tmp/torchvenv/bin/python benchmarks/capstone_vs_torch.py

Goal: NumPy at least 3× faster than PyTorch eager at 0.97 test accuracy or better. At 9,610
parameters a training step is a handful of tiny matrix products, so what each step costs is set by
per-operation overhead, which is far smaller for a NumPy call than for a PyTorch operator with
autograd bookkeeping and an optimiser step.
"""
from __future__ import annotations

import os

# One thread for both, set before NumPy loads: the benchmark compares work on one core.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.data import load_digits  # noqa: E402
from course.grading import nbtools  # noqa: E402


def numpy_run(sol: dict, X, y, seed: int):
    """The reference training, as the notebook defines it. Returns (params, seconds)."""
    start = time.perf_counter()
    params = sol["train_digits_classifier"](X, y, np.random.default_rng(seed))
    return params, time.perf_counter() - start


def torch_run(torch, sol: dict, X, y, seed: int, hidden: int, epochs: int, lr: float, batch_size: int):
    """The same training in PyTorch: initial weights from the reference's init_mlp, mini-batch order from
    the same Generator calls as the reference (init first, then one permutation per epoch)."""
    rng = np.random.default_rng(seed)
    init = sol["init_mlp"]([64, hidden, 10], rng)
    model = torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(init["W1"].T))
        model[0].bias.copy_(torch.from_numpy(init["b1"]))
        model[2].weight.copy_(torch.from_numpy(init["W2"].T))
        model[2].bias.copy_(torch.from_numpy(init["b2"]))
    orders = [rng.permutation(len(y)) for _ in range(epochs)]
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    for order in orders:
        order_t = torch.from_numpy(order)
        for first in range(0, len(y), batch_size):
            idx = order_t[first:first + batch_size]
            loss = torch.nn.functional.cross_entropy(model(X_t[idx]), y_t[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the median time is reported")
    args = parser.parse_args()

    sol = nbtools.solution_namespace("07_capstone_digits")
    defaults = sol["train_digits_classifier"].__defaults__          # hidden, epochs, lr, batch_size, optimiser, init, on_epoch
    (hidden,), epochs, lr, batch_size, optimiser, init = defaults[:6]
    assert optimiser == "adam" and init == "he", "the benchmark mirrors Adam and He initialisation"
    X, y = load_digits("train")
    X_test, y_test = load_digits("test")
    print(f"network 64 -> {hidden} -> 10 (ReLU), float64, Adam lr {lr}, batch {batch_size}, {epochs} epochs, "
          f"{len(y)} training images; one CPU thread; median of {args.repeat} runs")

    numpy_times, numpy_accuracy = [], []
    for seed in range(args.repeat):
        params, seconds = numpy_run(sol, X, y, seed)
        numpy_times.append(seconds)
        numpy_accuracy.append(float(np.mean(sol["predict"](params, X_test) == y_test)))
    t_numpy = statistics.median(numpy_times)
    print(f"NumPy (course reference):  {t_numpy:6.3f} s   test accuracy {statistics.median(numpy_accuracy):.4f} "
          f"(min {min(numpy_accuracy):.4f})")

    try:
        import torch
    except ImportError:
        print("PyTorch eager:             torch is not installed: only NumPy was timed.")
        return
    torch.set_num_threads(1)
    torch_times, torch_accuracy = [], []
    for seed in range(args.repeat):
        model, seconds = torch_run(torch, sol, X, y, seed, hidden, epochs, lr, batch_size)
        torch_times.append(seconds)
        with torch.no_grad():
            predicted = model(torch.from_numpy(X_test)).argmax(dim=1).numpy()
        torch_accuracy.append(float(np.mean(predicted == y_test)))
    t_torch = statistics.median(torch_times)
    print(f"PyTorch {torch.__version__} eager:  {t_torch:6.3f} s   test accuracy {statistics.median(torch_accuracy):.4f} "
          f"(min {min(torch_accuracy):.4f})")
    ratio = t_torch / t_numpy
    verdict = "meets" if ratio >= 3 and min(numpy_accuracy) >= 0.97 else "misses"
    print(f"PyTorch time / NumPy time = {ratio:.2f}  ({verdict} the goal: NumPy >= 3x faster at >= 0.97 accuracy)")


if __name__ == "__main__":
    main()
