"""A process serving a model, for the memory measurement: `python -m mlebench.serve <competitor> <artifact> <rows file> <cols>`.

It starts its runtime without the model and prints `started`; on a line from stdin it opens the
model, scores the rows (touching all the weights a prediction needs) and prints `ready`; it exits
when stdin closes. The parent reads its memory from /proc between those steps.
"""

import sys
from pathlib import Path

import numpy as np

from .competitors import by_key


def main() -> None:
    key, artifact, rows_file, cols = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    competitor = by_key(key)
    competitor.start_runtime()
    X = np.fromfile(rows_file, dtype="<f8").reshape(-1, cols)
    print("started", flush=True)
    sys.stdin.readline()
    opened = competitor.open(artifact, 1)
    opened.predict(X)
    print("ready", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
