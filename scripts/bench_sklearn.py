#!/usr/bin/env python3
"""scikit-learn's side of the MNIST comparison in scripts/bench.sh.

Trains MLPClassifier(hidden_layer_sizes=(64, 64), relu, adam, learning rate 0.001, batch 64, no
L2 penalty) for a fixed number of epochs on the same MNIST split as nnplay's native run
(benches/runs.rs): the shipped data/mnist_5k.bin.gz, rows with index % 5 == 0 held out for
testing. Prints one line `RESULT {json}` with epochs/s and both accuracies.

The first run creates a virtual environment in .bench-venv/ (ignored by git through its own
.gitignore) and installs scikit-learn and numpy there; nothing is installed system-wide.

    python3 scripts/bench_sklearn.py [--epochs N] [--threads N]

BLAS runs on one thread by default, as nnplay does: a fair per-core comparison, and immune to
the collapse multi-threaded BLAS suffers when other processes share the cores.
"""

import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".bench-venv"
DATA = ROOT / "data" / "mnist_5k.bin.gz"


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def ensure_venv() -> None:
    """Creates .bench-venv with scikit-learn and numpy, then re-runs this script inside it."""
    python = VENV / "bin" / "python"
    if not python.exists():
        # --without-pip: ensurepip needs the network on some Pythons; pip installs from outside.
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(VENV)], check=True)
        (VENV / ".gitignore").write_text("*\n")
    probe = subprocess.run([str(python), "-c", "import sklearn, numpy"], capture_output=True)
    if probe.returncode != 0:
        print("==> installing scikit-learn and numpy into .bench-venv", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "scikit-learn", "numpy"],
            check=True,
        )
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


def load_mnist():
    """Reads the NNPD file (format in src/data/builtin.rs): header, n·d feature bytes, n labels."""
    import numpy as np

    raw = gzip.decompress(DATA.read_bytes())
    magic, version, classes, divisor, n, d = struct.unpack("<4sBBHII", raw[:16])
    if magic != b"NNPD" or version != 1:
        raise SystemExit(f"error: {DATA} is not an NNPD version 1 file")
    x = np.frombuffer(raw, dtype=np.uint8, count=n * d, offset=16).reshape(n, d).astype(np.float32) / divisor
    y = np.frombuffer(raw, dtype=np.uint8, count=n, offset=16 + n * d).astype(np.int64)
    return x, y, classes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1, like nnplay)")
    parser.add_argument("--repeats", type=int, default=3, help="whole runs; the fastest is reported (default 3, like nnplay's)")
    args = parser.parse_args()
    if not in_venv():
        ensure_venv()
    # Read by OpenBLAS / MKL / OpenMP when numpy loads, so set before the import below.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    import numpy as np
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    x, y, _ = load_mnist()
    test = np.arange(len(x)) % 5 == 0
    x_train, y_train, x_test, y_test = x[~test], y[~test], x[test], y[test]
    def fresh_model() -> MLPClassifier:
        return MLPClassifier(
            hidden_layer_sizes=(64, 64),
            activation="relu",
            solver="adam",
            learning_rate_init=0.001,
            batch_size=64,
            alpha=0.0,
            max_iter=args.epochs,
            tol=0.0,
            n_iter_no_change=args.epochs + 1,
            shuffle=True,
            random_state=1,
        )

    # The machine is shared: the fastest of a few identical seeded runs is the least disturbed.
    seconds = float("inf")
    for _ in range(max(1, args.repeats)):
        model = fresh_model()
        with warnings.catch_warnings():
            # Stopping at max_iter is the point here, not a convergence problem.
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            model.fit(x_train, y_train)
            seconds = min(seconds, time.perf_counter() - start)
    result = {
        "case": "sklearn_mnist",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "epochs": int(model.n_iter_),
        "blas_threads": args.threads,
        "repeats": max(1, args.repeats),
        "train_samples": int(len(x_train)),
        "seconds": seconds,
        "epochs_per_s": model.n_iter_ / seconds,
        "samples_per_s": model.n_iter_ * len(x_train) / seconds,
        "train_accuracy": float(model.score(x_train, y_train)),
        "test_accuracy": float(model.score(x_test, y_test)),
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
