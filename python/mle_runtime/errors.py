"""The SDK's error hierarchy and the translation of engine (Java) exceptions into it.

This module owns every exception class a user of `mle_runtime` can catch and the one place where a
Java exception raised through JPype becomes a Python one. It must not import JPype at module level
(importing `mle_runtime` never starts or needs a JVM) and never turns an engine error into anything
but one of these classes, with the engine's own message as the Python message. Any other Java
throwable (a bug such as a NullPointerException, or an OutOfMemoryError) is an EngineError that
says it is an internal error and names the Java class and message.
"""

from __future__ import annotations

import contextlib
from typing import Any


class MleError(Exception):
    """Base class of every error raised by mle_runtime."""


class FormatError(MleError):
    """A .mle file is corrupt, truncated, tampered with or not a .mle file at all."""


class VersionError(FormatError):
    """A .mle file was written in a format version this runtime cannot read."""


class SignatureError(FormatError):
    """A .mle file is unsigned where a signature is required, signed by another key, or changed since it was signed."""


class DecryptionError(MleError):
    """An encrypted .mle file cannot be decrypted: no key, the wrong key, or a section that fails authentication."""


class InputError(MleError, ValueError):
    """Inputs given to a model do not match what it expects (shape, dtype, names)."""


class ModelError(MleError):
    """A model cannot be exported or its graph is invalid (structure, operators, types)."""


class UnsupportedModelError(MleError, TypeError):
    """export_model was given an object for which no converter is registered."""


class EngineError(MleError):
    """Any other failure inside the engine."""


# Keyed by the Java class's full name; a Java subclass not listed here maps like its nearest
# listed ancestor, so new engine exceptions land in the right Python class without a change here.
_BY_JAVA_CLASS: dict[str, type[MleError]] = {
    "org.mleruntime.SignatureException": SignatureError,
    "org.mleruntime.DecryptionException": DecryptionError,
    "org.mleruntime.UnsupportedVersionException": VersionError,
    "org.mleruntime.CorruptFileException": FormatError,
    "org.mleruntime.InvalidInputException": InputError,
    "org.mleruntime.UnsupportedOperatorException": ModelError,
    "org.mleruntime.exporters.UnsupportedModelException": UnsupportedModelError,
    "org.mleruntime.InvalidModelException": ModelError,
    "org.mleruntime.MleException": EngineError,
}


def engine_error_class(java_class: Any) -> type[MleError] | None:
    """The Python class of the engine's exception class `java_class` (a `java.lang.Class`); None
    when it is not one of the engine's own, that is, when it is an internal error."""
    cls = java_class
    while cls is not None:
        mapped = _BY_JAVA_CLASS.get(str(cls.getName()))
        if mapped is not None:
            return mapped
        cls = cls.getSuperclass()
    return None


def from_java(exc: BaseException) -> MleError:
    """The Python error for a Java throwable raised through JPype (a `jpype.JException`).

    The engine's own exceptions keep their message; anything else is an EngineError whose message
    says it is an internal error and gives the Java class and message, the useful part of a bug report.
    """
    java_class = exc.getClass()
    message = exc.getMessage()
    message = str(message) if message is not None else ""
    mapped = engine_error_class(java_class)
    name = str(java_class.getName())
    if mapped is None:
        error: MleError = EngineError(f"internal error in the engine: {name}: {message}" if message else f"internal error in the engine: {name}")
    else:
        error = mapped(message or str(java_class.getSimpleName()))
    error.java_class = name
    return error


@contextlib.contextmanager
def java_errors(value_errors: bool = False):
    """Runs a block of Java calls, re-raising any Java exception as the matching MleError.

    Engine errors carry a precise message, so their Java stack trace is dropped from the chain;
    internal errors keep it as the cause, since that is where the bug is. With `value_errors`, a
    Java IllegalArgumentException (a bad option or key handed to the engine) is a ValueError.
    """
    import jpype

    try:
        yield
    except jpype.JException as exc:
        if value_errors and str(exc.getClass().getName()) == "java.lang.IllegalArgumentException":
            raise ValueError(str(exc.getMessage())) from None
        error = from_java(exc)
        if engine_error_class(exc.getClass()) is None:
            raise error from exc
        raise error from None
