"""Data classes that cost little to define, for the modules `readr search` and `readr list` import.

`dataclasses` imports `inspect` (about 16 ms at start-up) and takes 0.7-1.3 ms to define each
class; the store, the query and the config define about two dozen, which made a third of
`readr search`'s start-up. `record` and `frozen_record` give what readr uses of a dataclass: a
keyword-or-positional `__init__` with defaults and `field(default_factory=...)`, `__repr__`,
`__eq__` between instances of the same class, `__match_args__`, and for a frozen record no
assignment (`FrozenInstanceError`, an AttributeError) and a `__hash__`; `replace` copies one with
some fields changed. Each field is an annotation in the class body (a `ClassVar` is not one);
fields of a record base class come first. mypy checks them as dataclasses (dataclass_transform).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar, dataclass_transform

    _T = TypeVar("_T")
    _C = TypeVar("_C", bound=type)
    _R = TypeVar("_R")
else:
    def dataclass_transform(**_options):
        return lambda decorator: decorator

_FIELDS = "__record_fields__"
_DEFAULTS = "__record_defaults__"
_MATCH_ARGS = "__match_args__"


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen record."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], _T]) -> _T:
    """A field whose default is made anew for each instance (a list, a dict)."""
    return _Factory(default_factory)  # type: ignore[return-value]


@dataclass_transform(field_specifiers=(field,))
def record(cls: _C) -> _C:
    """Make `cls` a mutable record."""
    return _build(cls, frozen=False)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen_record(cls: _C) -> _C:
    """Make `cls` an immutable, hashable record."""
    return _build(cls, frozen=True)


def replace(obj: _R, /, **changes: Any) -> _R:
    """A copy of the record `obj` with `changes` to some of its fields."""
    names = getattr(type(obj), _FIELDS)
    unknown = set(changes) - set(names)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    values = {name: getattr(obj, name) for name in names}
    values.update(changes)
    return type(obj)(**values)


def _build(cls: Any, frozen: bool) -> Any:
    if "__post_init__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: a record has no __post_init__")
    names: list[str] = []
    defaults: dict[str, Any] = {}
    for base in reversed(cls.__mro__[1:]):
        names += [name for name in base.__dict__.get(_FIELDS, ()) if name not in names]
        defaults.update(base.__dict__.get(_DEFAULTS, {}))
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if str(annotation).replace("typing.", "").startswith("ClassVar"):
            continue
        if name not in names:
            names.append(name)
        defaults.pop(name, None)
        if name in cls.__dict__:
            defaults[name] = cls.__dict__[name]
            if isinstance(defaults[name], _Factory):
                delattr(cls, name)  # instances always set it; the class keeps no shared default
    _check_order(cls, names, defaults)
    setattr(cls, _FIELDS, tuple(names))
    setattr(cls, _DEFAULTS, defaults)
    setattr(cls, _MATCH_ARGS, tuple(names))
    cls.__init__ = _init(cls, names, defaults, frozen)
    cls.__repr__ = _repr
    cls.__eq__ = _eq
    if frozen:
        cls.__setattr__ = _refuse_set
        cls.__delattr__ = _refuse_delete
        cls.__hash__ = _hash
    else:
        cls.__hash__ = None
    return cls


def _check_order(cls: type, names: list[str], defaults: dict[str, Any]) -> None:
    seen_default = None
    for name in names:
        if name in defaults:
            seen_default = name
        elif seen_default is not None:
            raise TypeError(f"{cls.__name__}: field {name!r} without a default follows {seen_default!r}")


def _init(cls: type, names: list[str], defaults: dict[str, Any], frozen: bool) -> Callable[..., None]:
    """`__init__` written out for these fields: as fast to call as a dataclass's."""
    namespace: dict[str, Any] = {"_MISSING": _MISSING}
    params, body = [], []
    for name in names:
        value = name
        if name not in defaults:
            params.append(name)
        elif isinstance(defaults[name], _Factory):
            namespace[f"_make_{name}"] = defaults[name].make
            params.append(f"{name}=_MISSING")
            value = f"_make_{name}() if {name} is _MISSING else {name}"
        else:
            namespace[f"_default_{name}"] = defaults[name]
            params.append(f"{name}=_default_{name}")
        body.append(f"_set(self, {name!r}, {value})" if frozen else f"self.{name} = {value}")
    namespace["_set"] = object.__setattr__
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass") + "\n"
    exec(source, namespace)  # noqa: S102 - names come from the class's own annotations
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def _values(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in getattr(type(obj), _FIELDS))


def _repr(self: Any) -> str:
    fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in getattr(type(self), _FIELDS))
    return f"{type(self).__qualname__}({fields})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _refuse_set(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
