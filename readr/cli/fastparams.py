"""Start-up time: coerce simple CLI parameters without importing pydantic.

Typer 0.29 coerces every parameter of the command being run through a pydantic TypeAdapter,
so `readr search foo` imported pydantic (~70-150 ms, more than the rest of the command
together) just to check that "50" is an int. This module gives Typer a pydantic-free
coercion for the simple annotations readr's commands use -- str, int, float (with min/max),
pathlib.Path and lists of them -- and hands anything else, and every value it is not sure of,
to Typer's own pydantic coercion. So a valid value comes out exactly as pydantic would make it,
and an invalid one gets Typer's own error message (tests/test_cli_startup.py checks both).

It patches one private hook (`typer.core.build_runtime_param`) of the pinned Typer version; if
Typer's internals ever differ, `install()` does nothing and Typer works as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_INT = re.compile(r"-?[0-9]{1,18}")
_FLOAT = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")
_SLOW = object()  # "ask pydantic"


def _leaf(annotation: Any, info: Any) -> str | None:
    """The fast coercion for a leaf annotation, or None if pydantic must do it."""
    if getattr(info, "parser", None) is not None or getattr(info, "clamp", False):
        return None
    if annotation is str:
        return "str"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if annotation is Path:
        return "path"
    if annotation is bool:
        return "bool"
    return None


def _in_range(number: Any, info: Any) -> bool:
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    return (low is None or number >= low) and (high is None or number <= high)


def install() -> bool:
    """Route simple parameters through the fast coercion. Returns whether it is installed."""
    try:
        from typer import core as typer_core
        from typer._coercion import RuntimeParam
        from typer._param_types import coerce_cli_path
        from typer._typing import get_args, get_origin
    except ImportError:
        return False
    if not hasattr(typer_core, "build_runtime_param") or not isinstance(RuntimeParam, type):
        return False
    original = typer_core.build_runtime_param
    if getattr(original, "_readr_fast", False):
        return True

    # A dataclass, as Typer's RuntimeParam it extends (a record does not know a dataclass's fields).
    @dataclass(frozen=True)
    class FastRuntimeParam(RuntimeParam):
        kind: str
        is_list: bool
        descriptor: Any

        def _leaf_value(self, value: Any, param: Any, ctx: Any) -> Any:
            kind, info = self.kind, self.parameter_info
            if kind == "str":
                return value if isinstance(value, str) else _SLOW
            if kind == "bool":
                return value if isinstance(value, bool) else _SLOW
            if kind == "int":
                if isinstance(value, int) and not isinstance(value, bool):
                    number = value
                elif isinstance(value, str) and _INT.fullmatch(value):
                    number = int(value)
                else:
                    return _SLOW
                return number if _in_range(number, info) else _SLOW
            if kind == "float":
                if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
                    real = float(value)
                elif isinstance(value, str) and _FLOAT.fullmatch(value):
                    real = float(value)
                else:
                    return _SLOW
                return real if _in_range(real, info) else _SLOW
            if kind == "path":
                if isinstance(value, str) and value and "\x00" not in value:
                    value = Path(value)
                elif not isinstance(value, Path):
                    return _SLOW
                path_type = getattr(info, "path_type", None) or Path
                if path_type is not Path:
                    return _SLOW
                # Typer's own path checks (exists, dir_okay ...) and messages.
                return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)
            return _SLOW

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.is_list:
                items = list(value) if isinstance(value, (list, tuple)) else [value]
                out = [self._leaf_value(item, param, ctx) for item in items]
                if not any(item is _SLOW for item in out):
                    return out
            else:
                out = self._leaf_value(value, param, ctx)
                if out is not _SLOW:
                    return out
            return original(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        try:
            annotation, info = descriptor.annotation, descriptor.parameter_info
            if descriptor.file_annotation is None:
                is_list = get_origin(annotation) is list
                leaf = get_args(annotation)[0] if is_list and len(get_args(annotation)) == 1 else annotation
                kind = None if get_origin(leaf) is not None else _leaf(leaf, info)
                if kind is not None:
                    return FastRuntimeParam(
                        parameter_info=info, annotation=annotation, kind=kind, is_list=is_list, descriptor=descriptor
                    )
        except Exception:  # anything unexpected: Typer's own way
            pass
        return original(descriptor)

    build_runtime_param._readr_fast = True  # type: ignore[attr-defined]
    build_runtime_param._readr_original = original  # type: ignore[attr-defined]
    typer_core.build_runtime_param = build_runtime_param
    return True
