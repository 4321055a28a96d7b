"""The options of `export_model` and `load_model` beyond the model itself, and the keys they take.

This module owns compression, quantization (with calibration rows), signing and encryption options:
it checks them in Python so that a mistake is a clear ValueError or TypeError before any work, reads
key files, and hands everything to the engine's `ExportOptions` or `OpenOptions`, which do the
cryptography and the file coding with the JDK (Ed25519, AES-256-GCM, HKDF) and zstd-jni, lz4-java
and brotli4j. It also generates keys. It must not implement any cryptography or write file bytes.
Every Java value it builds is built once the engine's JVM runs, so it works on a process's first call.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from . import _jvm
from .errors import java_errors

COMPRESSIONS = (None, "lz4", "zstd", "brotli")
QUANTIZATIONS = (None, "fp16", "int8")
# Inclusive level ranges of each codec (the engine checks them too).
LEVELS = {"lz4": (1, 12), "zstd": (1, 22), "brotli": (0, 11)}

Key = bytes | bytearray | str | os.PathLike


def generate_signing_key() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as raw bytes: (private key: 32-byte seed, public key: 32 bytes).

    Pass the private key as `export_model(..., signing_key=...)` and the public one as
    `load_model(..., verify_key=...)`. `mle keygen` writes the same keys as PEM files.
    """
    with java_errors():
        seed, public = _jvm.bridge().generateSigningKey()
    return bytes(seed), bytes(public)


def generate_encryption_key() -> bytes:
    """A new random 32-byte AES-256 key for `export_model(..., encryption_key=...)`."""
    with java_errors():
        return bytes(_jvm.bridge().generateEncryptionKey())


def key_material(value: Key | None, what: str) -> bytes | None:
    """The bytes of a key given as raw bytes, PEM text, or the path of a key file (PEM, hex, base64 or raw)."""
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, (str, os.PathLike)):
        text = os.fspath(value)
        if isinstance(text, str) and text.lstrip().startswith("-----BEGIN "):
            return text.encode("ascii")
        path = os.path.abspath(text)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{what} file not found: {path}")
        with open(path, "rb") as f:
            return f.read()
    raise TypeError(f"{what} must be bytes, PEM text or the path of a key file, got {type(value).__name__}")


def _java_bytes(material: bytes | None):
    if material is None:
        return None
    # Java arrays exist only in a running JVM, which nothing may have started yet.
    _jvm.bridge()
    from jpype import JArray, JByte

    return JArray(JByte)(material)


def export_options(
    compression: str | None,
    compression_level: int | None,
    quantize: str | None,
    calibration: Any,
    signing_key: Key | None,
    encryption_key: Key | None,
):
    """The engine's `ExportOptions` for these arguments, checked first."""
    if compression not in COMPRESSIONS:
        raise ValueError(f"compression must be one of None, 'lz4', 'zstd', 'brotli'; got {compression!r}")
    if compression_level is not None:
        if compression is None:
            raise ValueError("compression_level needs compression='lz4', 'zstd' or 'brotli'")
        low, high = LEVELS[compression]
        if isinstance(compression_level, bool) or not isinstance(compression_level, int) or not low <= compression_level <= high:
            raise ValueError(f"{compression} compression_level must be an integer from {low} to {high}; got {compression_level!r}")
    if quantize not in QUANTIZATIONS:
        raise ValueError(f"quantize must be one of None, 'fp16', 'int8'; got {quantize!r}")
    rows = None
    if calibration is not None:
        if quantize is None:
            raise ValueError("calibration is only used with quantize='fp16' or 'int8'")
        rows = _calibration_rows(calibration)
    signing = key_material(signing_key, "signing key")
    encryption = key_material(encryption_key, "encryption key")
    with java_errors(value_errors=True):
        options = _jvm.bridge().exportOptions()
        if compression is not None:
            options.compression(compression, -1 if compression_level is None else int(compression_level))
        if quantize is not None:
            options.quantize(quantize)
        if rows is not None:
            # `rows` stays referenced here while Java copies it by address.
            options.calibration(rows.ctypes.data, rows.shape[0], rows.shape[1])
        if signing is not None:
            options.signingKey(_java_bytes(signing))
        if encryption is not None:
            options.encryptionKey(_java_bytes(encryption))
    return options


def _calibration_rows(calibration: Any) -> np.ndarray:
    if hasattr(calibration, "to_numpy") and hasattr(calibration, "columns"):
        calibration = calibration.to_numpy(dtype=np.float64)
    try:
        rows = np.ascontiguousarray(calibration, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"calibration must be numeric rows (a 2-D array or DataFrame): {exc}") from None
    if rows.ndim != 2 or rows.shape[0] == 0:
        raise ValueError(f"calibration must be a non-empty 2-D array of rows, got shape {rows.shape}")
    return rows


def open_options(defer_checksum: bool, verify_key: Key | None, require_signature: bool | None, decryption_key: Key | None):
    """The engine's `OpenOptions` for a load or an inspection; a key the engine cannot read is a ValueError.

    `require_signature` defaults to True when a verification key is given: a key that is passed is
    meant to be checked, and an unsigned file would otherwise slip through.
    """
    if require_signature is None:
        require_signature = verify_key is not None
    if require_signature and verify_key is None:
        raise ValueError("require_signature=True needs verify_key, the public key the signature is checked against")
    verify = key_material(verify_key, "verification key")
    decrypt = key_material(decryption_key, "decryption key")
    with java_errors(value_errors=True):
        return _jvm.bridge().openOptions(bool(defer_checksum), _java_bytes(verify), bool(require_signature), _java_bytes(decrypt))
