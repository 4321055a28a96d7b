"""PyTorch modules, exported for the engine's ONNX importer: PyTorch's own exporter
(`torch.onnx.export(..., dynamo=True)`, torch.export underneath) writes the module as ONNX in memory,
and the bytes go to the same Java importer as any ONNX model, so there is no second operator mapping
here (docs/MODELS.md, "Deep learning").

This module recognises a torch module by its class without importing torch (a model can only be a
torch module when torch is imported already), fills in what torch.export needs and users should not
have to know (a dynamic batch by default, a batch of at least 2 in the example), and turns the
exporter's failures into errors that name the module. It must not translate operators itself.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import sys
import warnings
from typing import Any

from ..errors import ModelError
from .registry import SavedModel

FRAMEWORK = "pytorch"
BATCH = "batch"


def is_model(model: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(model, torch.nn.Module)


def saved_model(module: Any, example_inputs: Any, dynamic_shapes: Any, input_names: Any, output_names: Any) -> SavedModel:
    """The ONNX export of `module` for the "onnx" converter, with the module's metadata."""
    import torch

    if example_inputs is None:
        raise ValueError(f"exporting a PyTorch module ({_name(module)}) needs example_inputs=(tensor, ...): the inputs of one call of "
                         "forward, whose shapes and dtypes the file keeps (the first axis of each becomes a dynamic batch unless "
                         "dynamic_shapes says otherwise)")
    args = _as_tensors(torch, example_inputs)
    varargs = _takes_varargs(module)
    if dynamic_shapes is None:
        dynamic_shapes = _batch_only(torch, args)
        # torch.export matches dynamic_shapes to forward's parameters: a forward(*args) (a Keras
        # model on the torch backend) has one parameter holding all the arguments.
        dynamic_shapes = (dynamic_shapes,) if varargs else dynamic_shapes
    per_argument = dynamic_shapes[0] if varargs and isinstance(dynamic_shapes, (tuple, list)) and len(dynamic_shapes) == 1 else dynamic_shapes
    args = _at_least_two(torch, args, _dynamic_axes(module, args, per_argument))
    # Each submodule's own mode: a wrapper in training mode around a model in eval mode stays so.
    modes = {m: m.training for m in module.modules()}
    module.eval()
    try:
        with _quiet_exporter():
            program = torch.onnx.export(module, args, dynamo=True, dynamic_shapes=dynamic_shapes, input_names=input_names,
                                        output_names=output_names, verbose=False)
        content = program.model_proto.SerializeToString()
    except Exception as exc:
        raise ModelError(f"PyTorch could not export {_name(module)}: {_first_lines(exc)}") from exc
    finally:
        for m, training in modes.items():
            m.training = training
    return SavedModel(framework="onnx", source=f"{_name(module)} (PyTorch {torch.__version__})", content=content,
                      framework_version=torch.__version__, model_type=_name(module), framework_name=FRAMEWORK,
                      examples=graph_inputs(torch, args))


def graph_inputs(torch: Any, values: Any) -> tuple:
    """The arrays of the ONNX graph's inputs for these forward arguments: tensors and arrays in
    order, nested tuples, lists and dicts flattened as the exporter flattens them."""
    if isinstance(values, dict):
        values = tuple(values.values())
    if isinstance(values, (tuple, list)):
        return tuple(a for v in values for a in graph_inputs(torch, v))
    if isinstance(values, torch.Tensor):
        return (values.detach().cpu().numpy(),)
    if type(values).__module__ == "numpy" and hasattr(values, "shape"):
        return (values,)
    return ()


def _name(module: Any) -> str:
    cls = type(module)
    return f"{cls.__module__}.{cls.__qualname__}"


def _as_tensors(torch: Any, example_inputs: Any) -> tuple:
    """The example as a tuple of forward's positional arguments, numpy arrays made tensors."""
    if isinstance(example_inputs, list):
        example_inputs = tuple(example_inputs)
    elif not isinstance(example_inputs, tuple):
        example_inputs = (example_inputs,)
    return tuple(torch.from_numpy(a) if type(a).__module__ == "numpy" and hasattr(a, "shape") else a for a in example_inputs)


def _takes_varargs(module: Any) -> bool:
    parameters = list(inspect.signature(module.forward).parameters.values())
    return bool(parameters) and parameters[0].kind == inspect.Parameter.VAR_POSITIONAL


def _batch_only(torch: Any, args: tuple) -> tuple:
    """torch.export's dynamic_shapes for "the first axis of every tensor input is one shared batch size"."""
    batch = torch.export.Dim(BATCH)
    return tuple({0: batch} if isinstance(a, torch.Tensor) and a.dim() > 0 else None for a in args)


def _dynamic_axes(module: Any, args: tuple, dynamic_shapes: Any) -> list[set[int]]:
    """For each positional argument, the axes `dynamic_shapes` (torch.export's structure: one entry per
    argument, in order or by forward's parameter names) declares dynamic."""
    if isinstance(dynamic_shapes, dict):
        names = [p for p in inspect.signature(module.forward).parameters][: len(args)]
        per_argument = [dynamic_shapes.get(name) for name in names]
    elif isinstance(dynamic_shapes, (tuple, list)):
        per_argument = list(dynamic_shapes) + [None] * (len(args) - len(dynamic_shapes))
    else:
        return [set() for _ in args]
    axes = []
    for spec in per_argument:
        if isinstance(spec, dict):
            axes.append({axis for axis, dim in spec.items() if dim is not None})
        elif isinstance(spec, (tuple, list)):
            axes.append({axis for axis, dim in enumerate(spec) if dim is not None})
        else:
            axes.append(set())
    return axes


def _at_least_two(torch: Any, args: tuple, dynamic: list[set[int]]) -> tuple:
    """The example with every dynamic axis of size 1 repeated to 2: torch.export takes a size of 1 for
    a constant (and refuses to make it dynamic), so a batch-1 example would fix the batch."""
    grown = []
    for a, axes in zip(args, dynamic):
        if isinstance(a, torch.Tensor):
            for axis in sorted(axes):
                if axis < a.dim() and a.shape[axis] == 1:
                    a = torch.cat([a, a], dim=axis)
        grown.append(a)
    return tuple(grown)


def _first_lines(exc: Exception, count: int = 6) -> str:
    """The start of an exporter error, which can run to pages of graph dumps."""
    text = f"{type(exc).__name__}: {exc}".strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:count]) + ("\n..." if len(lines) > count else "")


@contextlib.contextmanager
def _quiet_exporter():
    """The exporter prints its progress and warns about its own internals; neither is the user's
    concern (a module it cannot export raises, and the file is checked by the importer)."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield
