"""The one way every timing in the harness is taken: calls after a warm-up, sampled until a time
budget is spent, summarised as the median with the 10th/90th and 99th percentiles.

`bench-java`'s `Samples` class does exactly the same on the JVM, so that both sides' numbers mean
the same thing.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Timing:
    """Seconds per call over `n` samples."""

    n: int
    median: float
    p10: float
    p90: float
    p99: float

    @property
    def spread(self) -> float:
        """Half the distance between the 10th and 90th percentiles: the ± shown next to a median."""
        return (self.p90 - self.p10) / 2

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Timing:
        return cls(int(d["n"]), float(d["median"]), float(d["p10"]), float(d["p90"]), float(d["p99"]))


@dataclass(frozen=True)
class Budget:
    """How long to warm up and to sample each measurement, in seconds."""

    warmup: float
    sample: float


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-quantile by linear interpolation between the closest ranks (as numpy's default)."""
    position = q * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    return sorted_values[low] * (1 - fraction) + sorted_values[high] * fraction


def summarise(samples: list[float]) -> Timing:
    ordered = sorted(samples)
    return Timing(len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.1), percentile(ordered, 0.9), percentile(ordered, 0.99))


def measure(call: Callable[[], Any], budget: Budget, min_samples: int = 5, max_samples: int = 200_000,
            teardown: Callable[[Any], None] | None = None) -> Timing:
    """Times `call` after `budget.warmup` seconds of calls, sampling for `budget.sample` seconds.

    `teardown`, given each call's result, runs after the call and outside the timed region. Calls
    slower than the budget stop at three samples once five budgets have passed.
    """
    clock = time.perf_counter
    finish = teardown or (lambda result: None)
    warmup_end = clock() + budget.warmup
    finish(call())
    while clock() < warmup_end:
        finish(call())
    samples: list[float] = []
    sample_end = clock() + budget.sample
    give_up = sample_end + 4 * budget.sample
    while len(samples) < max_samples and (len(samples) < min_samples or clock() < sample_end):
        if len(samples) >= 3 and clock() > give_up:
            break
        start = clock()
        result = call()
        samples.append(clock() - start)
        finish(result)
    return summarise(samples)
