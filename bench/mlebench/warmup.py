"""One fresh process's first calls: `python -m mlebench.warmup <competitor> <artifact> <row file> <calls> [pause]`.

Opens the artifact, waits `pause` seconds (default 0: a request right after the load; a server
loads its models before its first request), then scores the same one row `calls` times, timing
each call, and prints the latencies in seconds as one JSON list: the warm-up curve of a runtime
that starts cold.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

from .competitors import by_key


def main() -> None:
    key, artifact, row_file, calls = sys.argv[1:5]
    pause = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    row = np.fromfile(row_file, dtype="<f8").reshape(1, -1)
    opened = by_key(key).open(Path(artifact), 1)
    time.sleep(pause)
    latencies = []
    for _ in range(int(calls)):
        start = time.perf_counter()
        opened.predict(row)
        latencies.append(time.perf_counter() - start)
    print(json.dumps(latencies), flush=True)


if __name__ == "__main__":
    main()
