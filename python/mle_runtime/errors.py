"""The SDK's error hierarchy and the translation of engine (Java) exceptions into it.

This module owns every exception class a user of `mle_runtime` can catch and the one place where a
Java exception raised through JPype becomes a Python one. It must not import JPype at module level
(importing `mle_runtime` never starts or needs a JVM) and never turns an engine error into anything
but one of these classes, with the engine's own message as the Python message.
"""

from __future__ import annotations

import contextlib


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


# Keyed by the Java class's simple name; a Java subclass not listed here maps like its nearest
# listed ancestor, so new engine exceptions land in the right Python class without a change here.
_BY_JAVA_NAME: dict[str, type[MleError]] = {
    "SignatureException": SignatureError,
    "DecryptionException": DecryptionError,
    "UnsupportedVersionException": VersionError,
    "CorruptFileException": FormatError,
    "InvalidInputException": InputError,
    "UnsupportedOperatorException": ModelError,
    "UnsupportedModelException": UnsupportedModelError,
    "InvalidModelException": ModelError,
    "MleException": EngineError,
}


def from_java(exc: BaseException) -> MleError:
    """The Python error for a Java exception raised through JPype (a `jpype.JException`).

    The Python message is the Java message; for exceptions that are not the engine's own (an I/O
    error, an internal bug) it is prefixed with the Java class name, which is then the useful part.
    """
    java_class = exc.getClass()
    simple_name = str(java_class.getSimpleName())
    message = exc.getMessage()
    message = str(message) if message is not None else ""
    mapped = None
    cls = java_class
    while cls is not None:
        mapped = _BY_JAVA_NAME.get(str(cls.getSimpleName()))
        if mapped is not None:
            break
        cls = cls.getSuperclass()
    if mapped is None or mapped is EngineError:
        text = f"{java_class.getName()}: {message}" if message else str(java_class.getName())
        error = EngineError(text)
    else:
        error = mapped(message or simple_name)
    error.java_class = str(java_class.getName())
    return error


@contextlib.contextmanager
def java_errors(value_errors: bool = False):
    """Runs a block of Java calls, re-raising any Java exception as the matching MleError.

    Engine errors carry a precise message, so their Java stack trace is dropped from the chain;
    anything else keeps it as the cause, since that is where the bug is. With `value_errors`, a
    Java IllegalArgumentException (a bad option or key handed to the engine) is a ValueError.
    """
    import jpype

    try:
        yield
    except jpype.JException as exc:
        if value_errors and str(exc.getClass().getName()) == "java.lang.IllegalArgumentException":
            raise ValueError(str(exc.getMessage())) from None
        error = from_java(exc)
        if isinstance(error, EngineError):
            raise error from exc
        raise error from None
