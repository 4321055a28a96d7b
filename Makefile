# Set-up, build, tests and demo. `make test` and `make demo` are all a fresh machine needs; both
# call `make setup`, which is idempotent.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
JARS_DIR := python/mle_runtime/jars
JDK := $(shell scripts/find-jdk.sh)
ifeq ($(JDK),)
$(error no JDK 25 or newer found: install one (e.g. Temurin 25) and set MLE_JAVA_HOME or JAVA_HOME)
endif
export JAVA_HOME := $(JDK)
export PATH := $(JDK)/bin:$(PATH)
# Maven itself runs on the JDK above; this keeps its own libraries from warning about native access.
export MAVEN_OPTS ?= --enable-native-access=ALL-UNNAMED
MVN := mvn -B -q -Dstyle.color=never

.PHONY: setup venv jar startup-cache wheel test test-machine test-java test-py test-fuzz fuzz fuzz-findings demo bench bench-quick bench-setup bench-readme schema docs clean

setup: venv jar startup-cache

venv: $(VENV)/.installed

$(VENV)/.installed: python/pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e 'python[dev,torch,keras]'
	touch $@

jar:
	$(MVN) install -DskipTests
	rm -rf $(JARS_DIR) && mkdir -p $(JARS_DIR)
	cp -p bridge/target/mle-bridge-*.jar bridge/target/runtime-jars/*.jar cli/target/mle-cli-*.jar $(JARS_DIR)/
	mkdir -p $(JARS_DIR)/spark && cp -p spark/target/mle-spark-*.jar $(JARS_DIR)/spark/

# The installable wheel in dist/: the engine jars and a Java runtime with its start-up cache inside
# (scripts/bundle_runtime.py), so tagged for this platform; the build refuses to run without the jars.
wheel: venv jar
	$(PY) scripts/bundle_runtime.py --jdk $(JDK)
	rm -rf dist && $(PY) -m pip wheel -q --no-deps -w dist ./python

# The JVM's ahead-of-time cache for the engine's runtime and these jars (kept while they are unchanged:
# jar times are preserved above), recorded by a training run; later starts map it. It only speeds
# start-up, so a runtime that cannot record one does not stop the set-up.
startup-cache: venv jar
	$(PY) -c "import mle_runtime; print('JVM start-up cache:', mle_runtime.build_startup_cache())" \
		|| echo "no JVM start-up cache was recorded (the engine starts without one; see the error above)"

test: setup test-machine test-java test-py test-fuzz

# Where the run happens (CPU, SIMD level, BLAS kernel, Java runtime, engine kernels), so a failure
# report says on which kind of machine it came.
test-machine:
	$(PY) scripts/describe_machine.py

# Maven's own output is long; keep the per-class test counts, failures and the verdict.
test-java:
	set -o pipefail; mvn -B -Dstyle.color=never test 2>&1 | grep -E "Tests run:|FAIL|ERROR|BUILD"

test-py:
	$(PY) -m pytest tests-py -q

# Fuzzing (fuzz/README.md). `make test` fuzzes each target for FUZZ_TEST_TIME from its seeds alone;
# `make fuzz` runs a campaign of FUZZ_TIME per target that keeps its corpus in fuzz/campaign/
# (FUZZ_TARGETS=ModelFileFuzzTest,CatBoostFuzzTest picks some). Both print executions and findings per
# target, move findings to fuzz/findings/ and fail if there are any; `make fuzz-findings` replays those.
FUZZ_TEST_TIME ?= 10s
FUZZ_TIME ?= 10m
FUZZ_TARGETS ?=
FUZZERS = $(PY) fuzz/run_fuzzers.py $(if $(FUZZ_TARGETS),--targets $(FUZZ_TARGETS))

test-fuzz:
	rm -rf fuzz/target/fuzz-test
	$(FUZZERS) fuzz --duration $(FUZZ_TEST_TIME) --run-dir fuzz/target/fuzz-test

fuzz: venv
	$(FUZZERS) fuzz --duration $(FUZZ_TIME) --run-dir fuzz/campaign

fuzz-findings: venv
	$(FUZZERS) replay

demo: setup
	$(PY) examples/demo.py

# Regenerates docs/SUPPORTED.md from the converter registry (a test fails when it is stale).
docs: setup
	$(PY) -m mle_runtime.exporters.supported_doc > docs/SUPPORTED.md

# Regenerates the FlatBuffers classes after a change to schema/mle.fbs (needs flatc 2.0.8).
schema:
	rm -rf engine-java/src/main/java/org/mleruntime/format/fb
	flatc --java -o engine-java/src/main/java schema/mle.fbs

clean:
	$(MVN) clean
	rm -rf $(JARS_DIR) python/mle_runtime/runtime

# Benchmarks against what users would run instead (bench/README.md): tables and plots in
# bench/results/, then README.md's Performance section; then file coding (compression, quantization,
# signing, encryption) against the plain file and joblib, and MLP and k-NN against scikit-learn.
# Never part of `make test`.
bench: bench-setup
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/formats.py $(findstring --quick,$(BENCH_ARGS))
	$(PY) bench/sklearn_models.py $(findstring --quick,$(BENCH_ARGS))
	$(PY) bench/text_models.py $(findstring --quick,$(BENCH_ARGS))
	$(PY) bench/coldstart.py $(findstring --quick,$(BENCH_ARGS))
	$(PY) bench/spark.py $(findstring --quick,$(BENCH_ARGS))
	$(PY) bench/deep_learning.py $(findstring --quick,$(BENCH_ARGS))
	$(PY) bench/readme.py

# Minutes: the same sections on the synthetic data with short budgets and no compiled-tree builds.
bench-quick:
	$(MAKE) bench BENCH_ARGS="--quick $(BENCH_ARGS)"

bench-readme:
	$(PY) bench/readme.py --allow-quick

bench-setup: setup $(VENV)/.bench-installed

$(VENV)/.bench-installed: python/pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e 'python[dev,bench]'
	$(PY) -m pip install -q -e 'python[bench-lleaves]' || echo "lleaves did not install (it needs llvmlite); the benchmark reports it as failed"
	touch $@
