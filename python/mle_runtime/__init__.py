"""MLE Runtime's Python SDK: export trained models to .mle files and run them on the JVM engine.

This module is the public API and owns nothing but it: `export_model`, `load_model`, `inspect`,
`generate_signing_key`, `generate_encryption_key`, `supported_models`, `supported`, `engine_info`,
the error classes and `__version__`. Importing it starts no JVM and imports no framework; the JVM
starts on the first call that needs the engine. The work itself lives in `exporters` (conversion),
`ir` (the graph handed to the Java writer), `options` (compression, quantization and keys), `model`
(running), `cli` (the `mle` command) and `_jvm` (finding and starting Java).
"""

from __future__ import annotations

import json
import os
from typing import Any

from . import _jvm
from . import display as _display
from . import options as _options
from ._version import __version__
from .errors import (
    DecryptionError,
    EngineError,
    FormatError,
    InputError,
    MleError,
    ModelError,
    SignatureError,
    UnsupportedModelError,
    VersionError,
    java_errors,
)
from .exporters import NETWORK_OPTIONS as _NETWORK_OPTIONS
from .exporters import export as _export
from .exporters import is_network as _is_network
from .engine import engine_info
from .exporters import supported, supported_models
from .model import Model
from .options import generate_encryption_key, generate_signing_key
from .startup_cache import build_startup_cache


_EXPORT_OPTIONS = ("description", "properties", "compression", "compression_level", "quantize", "calibration", "signing_key",
                   "encryption_key", *_NETWORK_OPTIONS)


def export_model(model: Any, path: str | os.PathLike, **options: Any) -> dict[str, Any]:
    """Converts a fitted model to a .mle file at `path`, written atomically, and returns a report.

    The framework is detected from the model's class (see `supported_models()`); an `onnx.ModelProto`, or
    the path of a `.onnx` file (whose external data files lie beside it), goes to the ONNX importer
    (docs/ONNX.md); a PyTorch module is exported by PyTorch's own ONNX exporter into memory and goes
    there too, as does a Keras 3 model on its torch backend (docs/MODELS.md, "Deep learning"). Options:

    - for a PyTorch module, `example_inputs` (required: a tensor or array, or a tuple of them, one
      call of forward), `dynamic_shapes` (torch.export's: by default the first axis of every input
      is one dynamic batch; an example of batch 1 is fine), `input_names` and `output_names`; a
      Keras 3 model on the torch backend takes the same options (`example_inputs` defaults to zeros
      of its declared inputs);

    - `description` (str) and `properties` (a mapping of free-form metadata, stored as strings);
    - `compression`: None, "lz4", "zstd" or "brotli", per section, at `compression_level` (lz4 1-12,
      zstd 1-22, brotli 0-11; each codec's default when None). Compressed sections are decoded once
      at load; uncompressed ones are used in place from the memory-mapped file;
    - `quantize`: None, "fp16" or "int8" for the weights (int8: one symmetric scale per output
      channel). `calibration` (rows of inputs; for a network, an array or tuple of arrays as forward
      takes them) is what the change of outputs is measured on, else a network's example inputs,
      else random rows inside the input ranges the model records; tree thresholds are never rounded
      in a way that could change a decision. The report's "quantization" entry says what changed;
    - `signing_key`: an Ed25519 private key (raw 32 bytes, PEM text or a PEM file path) to sign with;
    - `encryption_key`: a 32-byte AES-256 key (or a key file) to encrypt every section with.

    Returns {"path", "file_size", "quantization"}. Raises UnsupportedModelError for a model without a
    converter and ModelError for one that cannot be exported (e.g. not fitted); ValueError for a bad
    option or key. A failed export leaves no file behind.
    """
    unknown = sorted(set(options) - set(_EXPORT_OPTIONS))
    if unknown:
        raise TypeError(f"export_model() got unexpected options {unknown}; accepted: {', '.join(_EXPORT_OPTIONS)}")
    calibration = options.get("calibration")
    network = _is_network(model)
    if network and calibration is not None and options.get("quantize") is None:
        raise ValueError("calibration is only used with quantize='fp16' or 'int8'")
    java_options = _options.export_options(
        options.get("compression"), options.get("compression_level"), options.get("quantize"), None if network else calibration,
        options.get("signing_key"), options.get("encryption_key"),
    )
    report = _export(model, path, description=options.get("description"), properties=options.get("properties"), file_options=java_options,
                     network_options={k: options.get(k) for k in _NETWORK_OPTIONS}, calibration=calibration if network else None)
    return json.loads(report)


def _existing(path: str | os.PathLike) -> str:
    target = os.path.abspath(os.fspath(path))
    if os.path.isdir(target):
        raise IsADirectoryError(f"{target} is a directory, not a model file")
    if not os.path.isfile(target):
        raise FileNotFoundError(f"no such model file: {target}")
    return target


# The background warm-up's limits: long enough for the JIT to compile a model's kernels (thousands of
# one-row runs), short enough that a process loading many models spends little CPU on it.
WARM_UP_SECONDS = 0.5
WARM_UP_RUNS = 20_000


def load_model(
    path: str | os.PathLike,
    *,
    defer_checksum: bool = False,
    threads: int | None = None,
    verify_key: bytes | str | os.PathLike | None = None,
    require_signature: bool | None = None,
    decryption_key: bytes | str | os.PathLike | None = None,
    max_memory: int | None = None,
    warm_up: bool | None = None,
) -> Model:
    """Opens a .mle file (memory-mapped, verified) and returns a Model ready to predict.

    With `defer_checksum=True` the weights' checksum is verified in the background instead of
    before returning, so very large models open at once; a mismatch then fails the next call.
    `threads` caps the threads one call may use for a large batch (default: every core).

    `verify_key` (an Ed25519 public key: raw 32 bytes, PEM text or a PEM file path) checks the
    file's signature, over every byte, before any section is used; `require_signature` (default:
    True when a `verify_key` is given) also refuses unsigned files. Failures raise SignatureError.
    `decryption_key` (32 bytes or a key file) decrypts an encrypted file into memory, never to
    disk; a missing or wrong key raises DecryptionError. A file whose graph inputs or outputs have
    a dtype other than float32, float64, int32, int64, bool or string raises FormatError.

    `max_memory` (bytes) bounds what the file may make the engine allocate: compressed or encrypted
    sections decoded, and the weights it derives (dequantized copies); a file asking for more raises
    ModelError or FormatError before the memory is taken. The default is an eighth of the machine's
    memory (the Java system property `mle.maxModelMemory` changes it for the process); the
    memory-mapped file itself does not count.

    `warm_up` runs the model on synthetic rows in a background thread until its runs stop getting
    faster (at most half a second or 20 000 runs), so that the JIT compiles its kernels before your
    first requests need them: a server's first request then runs near full speed. It is on unless
    you pass False or set MLE_WARM_UP=0, which spend no CPU beyond your own calls.

    `close()` (or a `with` block) unmaps the file at once; a Model that is garbage collected is
    closed then.
    """
    if threads is not None and (not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    if max_memory is not None and (isinstance(max_memory, bool) or not isinstance(max_memory, int) or max_memory < 0):
        raise ValueError(f"max_memory must be a number of bytes (a non-negative integer), got {max_memory!r}")
    target = _existing(path)
    if warm_up is None:
        warm_up = os.environ.get("MLE_WARM_UP") != "0"
    options = _options.open_options(defer_checksum, verify_key, require_signature, decryption_key)
    if max_memory is not None:
        options = options.withMaxMemoryBytes(max_memory)
    with java_errors():
        java_model = _jvm.bridge().load(target, options, int(threads or 0))
        if warm_up:
            java_model.warmUpInBackground(int(WARM_UP_SECONDS * 1_000_000_000), WARM_UP_RUNS)
    return Model(java_model, target)


def inspect(
    path: str | os.PathLike,
    *,
    verify_key: bytes | str | os.PathLike | None = None,
    decryption_key: bytes | str | os.PathLike | None = None,
) -> dict[str, Any]:
    """The file's header, key ids, section table (sizes, compression ratios, encryption), metadata
    and graph (nodes, attributes, constants) as a dict, which shows itself as a short summary (its
    `summary()`, and a table in notebooks). An encrypted file inspected without its
    `decryption_key` shows its container only ("metadata" and "graph" are None); with `verify_key`
    the signature is checked first."""
    target = _existing(path)
    options = _options.open_options(False, verify_key, None, decryption_key)
    with java_errors():
        return _display.Inspection(json.loads(str(_jvm.bridge().inspect(target, options))))


__all__ = [
    "DecryptionError",
    "EngineError",
    "FormatError",
    "InputError",
    "MleError",
    "Model",
    "ModelError",
    "SignatureError",
    "UnsupportedModelError",
    "VersionError",
    "__version__",
    "build_startup_cache",
    "engine_info",
    "export_model",
    "generate_encryption_key",
    "generate_signing_key",
    "inspect",
    "load_model",
    "supported",
    "supported_models",
]
