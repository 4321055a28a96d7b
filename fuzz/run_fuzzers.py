"""Runs the fuzz targets of fuzz/ and says what they did (fuzz/README.md).

    run_fuzzers.py fuzz --duration 10s --run-dir DIR [--targets A,B]
    run_fuzzers.py replay [--targets A,B]

`fuzz` fuzzes each target for the duration, each in a JVM of its own, working in DIR: the corpus the
fuzzer grows stays there for the next run in DIR. What it finds moves to fuzz/findings/, which the
regression tests do not replay, and is replayed from there to say what each input throws; an input
that fails exactly as one already in fuzz/findings/ is a known bug, and is dropped. `replay` replays
fuzz/findings/ alone. Both print a short report, Maven's output going to a log file the report names,
and exit 1 when there is a new finding (`fuzz`) or a failing input (`replay`), 2 when the build failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
PACKAGE = "org/mleruntime/fuzz"
FINDINGS = FUZZ / "findings"
REPLAY_REPORTS = FUZZ / "target/findings-replay/surefire-reports"
# Distinct findings (by stack trace) after which a target stops; each one is saved.
KEEP_GOING = 100
# What libFuzzer names the inputs it saves for a failure; it also saves slow-unit-* inputs, which pass.
FAILING_INPUTS = ("crash-", "timeout-", "oom-")

RUNNING = re.compile(r"^\[INFO\] Running org\.mleruntime\.fuzz\.(\w+)")
DONE = re.compile(r"^Done (\d+) runs in (\d+) second")
STATUS = re.compile(r"^#(\d+)\s")


@dataclass
class Finding:
    input: Path
    failure: tuple[str, ...] = ()  # what the input throws when replayed, and where; empty when it passes
    known_as: Path | None = None  # an older input in fuzz/findings/ that fails the same way

    @property
    def target(self) -> str:
        return self.input.relative_to(FINDINGS).parts[0].removesuffix("Inputs")


@dataclass
class TargetRun:
    executions: int = 0
    seconds: int | None = None  # None when the fuzzer did not reach its end (a timeout or crash ended the JVM)
    findings: list[Finding] = field(default_factory=list)


def all_targets() -> list[str]:
    return sorted(p.stem for p in (FUZZ / "src/test/java" / PACKAGE).glob("*FuzzTest.java"))


def saved_findings(targets: list[str]) -> list[Finding]:
    findings = [Finding(p) for p in sorted(FINDINGS.glob("*Inputs/*/*"))]
    return [f for f in findings if f.target in targets]


def maven(targets: list[str], options: list[str], log: Path, fuzzing: bool) -> None:
    """Builds what fuzz/ needs from this working tree and runs the targets' tests, output to `log`."""
    command = ["mvn", "-B", "-Dstyle.color=never", "-pl", "fuzz", "-am", "test", "-Dsurefire.failIfNoSpecifiedTests=false",
               "-Dtest=" + ",".join(targets), *options]
    env = {k: v for k, v in os.environ.items() if k != "JAZZER_FUZZ"}
    if fuzzing:
        env["JAZZER_FUZZ"] = "1"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        # A failing input fails the Maven run: that is read from the reports, not from the exit status.
        subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)


def fuzz(targets: list[str], duration: str, run_dir: Path) -> dict[str, TargetRun]:
    # Jazzer writes findings under src/test/resources/ of its working directory when there is one,
    # in the layout of the inputs directories; they are moved to fuzz/findings/ from there.
    written = run_dir / "src/test/resources" / PACKAGE
    written.mkdir(parents=True, exist_ok=True)
    log = run_dir / "fuzz.log"
    print(f"fuzzing {', '.join(targets)} for {duration} each (log: {shown(log)})", flush=True)
    maven(targets, ["-DreuseForks=false", f"-Dfuzz.workdir={run_dir}", f"-Djazzer.max_duration={duration}",
                    f"-Djazzer.keep_going={KEEP_GOING}", "-Djunit.jupiter.execution.timeout.mode=disabled"], log, fuzzing=True)
    runs = executions(log)
    if not runs:
        build_failed(log)
    for source in sorted(p for p in written.glob("*Inputs/*/*") if p.name.startswith(FAILING_INPUTS)):
        finding = Finding(FINDINGS / source.relative_to(written))
        if finding.input.exists():
            finding.known_as = finding.input  # the very input found before
            source.unlink()
        else:
            finding.input.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, finding.input)
        runs.setdefault(finding.target, TargetRun()).findings.append(finding)
    return runs


def executions(log: Path) -> dict[str, TargetRun]:
    """Per target, the inputs libFuzzer ran: its closing count, or its last status line before a crash."""
    runs: dict[str, TargetRun] = {}
    current = None
    for line in log.read_text(errors="replace").splitlines():
        if m := RUNNING.match(line):
            current = runs.setdefault(m.group(1), TargetRun())
        elif current is not None and (m := DONE.match(line)):
            current.executions, current.seconds = int(m.group(1)), int(m.group(2))
        elif current is not None and (m := STATUS.match(line)):
            current.executions = int(m.group(1))
    return runs


def replay(findings: list[Finding], log: Path) -> None:
    """Replays fuzz/findings/ of the findings' targets (profile `findings`) and records what each throws."""
    shutil.rmtree(REPLAY_REPORTS, ignore_errors=True)
    maven(sorted({f.target for f in findings}), ["-Pfindings"], log, fuzzing=False)
    if not REPLAY_REPORTS.exists():
        build_failed(log)
    failures = {}
    for report in REPLAY_REPORTS.glob("TEST-*.xml"):
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            problem = case.find("error") if case.find("error") is not None else case.find("failure")
            if problem is not None:
                # Reports name each case "method(parameters) input-file-name".
                failures[case.get("name", "").rsplit(" ", 1)[-1]] = describe(problem.text or problem.get("message", ""))
    for finding in findings:
        finding.failure = failures.get(finding.input.name, ())


def describe(trace: str) -> tuple[str, ...]:
    """What the fuzz target threw (the cause of Jazzer's wrapper), or where it was when it ran out of
    time (the cause of JUnit's timeout): the exception, its top frame and the engine's first below it."""
    lines = trace.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Caused by: ")), 0)
    timed_out = lines[0].startswith("java.util.concurrent.TimeoutException")
    headline = "ran past the per-input timeout, at" if timed_out else lines[start].removeprefix("Caused by: ")
    frames = []
    for line in lines[start + 1:]:
        if not line.startswith("\tat "):
            break
        frames.append(line.strip())
    engine = [f for f in frames[1:] if f.startswith("at org.mleruntime.") and not f.startswith("at org.mleruntime.fuzz.")]
    return (headline, *frames[:1], *engine[:1])


def drop_known(new: list[Finding], older: list[Finding]) -> None:
    known = {f.failure: f.input for f in older if f.failure}
    for finding in new:
        if finding.known_as is None and finding.failure in known:
            finding.known_as = known[finding.failure]
            finding.input.unlink()


def build_failed(log: Path) -> None:
    print(f"the build failed before any target ran; the end of {shown(log)}:")
    print("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
    sys.exit(2)


def shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def print_finding(finding: Finding, when_passing: str) -> None:
    if finding.known_as:
        print(f"      known: {shown(finding.known_as)} (this run's input dropped)")
        return
    print(f"      {shown(finding.input)}")
    for line in finding.failure or (when_passing,):
        print(f"          {line}")


def fuzz_command(targets: list[str], duration: str, run_dir: Path) -> int:
    older = saved_findings(targets)
    runs = fuzz(targets, duration, run_dir)
    new = [f for run in runs.values() for f in run.findings if not f.known_as]
    if new:
        replay(new + older, run_dir / "replay.log")
        drop_known(new, older)
    for target, run in sorted(runs.items()):
        ended = f"in {run.seconds} s" if run.seconds is not None else "until the JVM ended"
        known = sum(1 for f in run.findings if f.known_as)
        verdict = f"{len(run.findings) - known} new finding(s), {known} known" if run.findings else "no finding"
        print(f"  {target:<24} {run.executions:>10,} executions {ended:<20} {verdict}")
        for finding in run.findings:
            print_finding(finding, "did not fail when replayed: a timeout under the fuzzer's instrumentation, or flaky; see the log")
    return 1 if any(not f.known_as for f in new) else 0


def replay_command(targets: list[str]) -> int:
    findings = saved_findings(targets)
    if not findings:
        print("fuzz/findings/ holds no input of these targets")
        return 0
    replay(findings, FUZZ / "target/findings-replay/replay.log")
    print("fuzz/findings/, replayed:")
    for finding in findings:
        print_finding(finding, f"passes now: move it to fuzz/src/test/resources/{PACKAGE}/ to keep it as a regression test")
    return 1 if any(f.failure for f in findings) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fuzz", "replay"])
    parser.add_argument("--duration", default="10m", help="how long each target is fuzzed (10s, 10m, 1h)")
    parser.add_argument("--run-dir", type=Path, default=FUZZ / "campaign", help="where the fuzzers work and keep their corpus")
    parser.add_argument("--targets", help="comma-separated target classes (default: every *FuzzTest)")
    args = parser.parse_args()
    targets = args.targets.split(",") if args.targets else all_targets()
    if args.command == "fuzz":
        return fuzz_command(targets, args.duration, args.run_dir.resolve())
    return replay_command(targets)


if __name__ == "__main__":
    sys.exit(main())
