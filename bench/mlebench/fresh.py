"""One fresh process's whole life with a model: `python -m mlebench.fresh <competitor> <artifact> <row file>`.

Starts the runtime (importing it; for MLE Runtime, starting its JVM), opens the artifact, scores
one row, and prints `ready <s to import> <s to open> <s for the first row>` the moment the first
prediction is back. The parent times the process from its own clock, interpreter start included.
"""

import time

START = time.perf_counter()

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from .competitors import by_key  # noqa: E402


def main() -> None:
    key, artifact, row_file = sys.argv[1:4]
    row = np.fromfile(row_file, dtype="<f8").reshape(1, -1)
    opening = time.perf_counter()
    opened = by_key(key).open(Path(artifact), 1)
    predicting = time.perf_counter()
    opened.predict(row)
    end = time.perf_counter()
    print(f"ready {opening - START:.6f} {predicting - opening:.6f} {end - predicting:.6f}", flush=True)


if __name__ == "__main__":
    main()
