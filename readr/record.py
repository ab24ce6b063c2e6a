"""readr's data classes: `record` and `frozen_record`, which cost little to define.

`dataclasses` imports `inspect` (about 16 ms at start-up) and takes 0.7-1.3 ms to define each
class; the store, the query and the config define about two dozen, which made a third of
`readr search`'s start-up. A record has what readr uses of a dataclass: a keyword-or-positional
`__init__` with defaults and `field(default=..., default_factory=..., repr=...)`, `__repr__`,
`__eq__` between instances of the same class and `__match_args__`; a frozen record refuses
assignment (`FrozenInstanceError`, an AttributeError) and has a `__hash__`. `replace` copies one
with some fields changed and `field_names` lists them (dataclasses.replace and dataclasses.fields
do not know records). Each field is an annotation in the class body (a `ClassVar` is not one);
the fields of a record base class come first. mypy checks records as dataclasses
(dataclass_transform). An import contract (pyproject.toml) keeps dataclasses out of readr, but for
the one class that extends a dataclass of Typer's.
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
_SPECS = "__record_specs__"
_MATCH_ARGS = "__match_args__"


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen record."""


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


class _Field:
    """A field's default (a value, or a function that makes one) and whether repr shows it."""

    __slots__ = ("default", "make", "shown")

    def __init__(self, default: Any = _MISSING, make: Callable[[], Any] | None = None, shown: bool = True) -> None:
        self.default, self.make, self.shown = default, make, shown


def field(*, default: Any = _MISSING, default_factory: Callable[[], _T] | None = None, repr: bool = True) -> _T:
    """A field with options: a default made anew for each instance (a list, a dict), or one left
    out of repr (a cache, a handle)."""
    if default is not _MISSING and default_factory is not None:
        raise TypeError("a field takes a default or a default_factory, not both")
    return _Field(default, default_factory, repr)  # type: ignore[return-value]


@dataclass_transform(field_specifiers=(field,))
def record(cls: _C) -> _C:
    """Make `cls` a mutable record."""
    return _build(cls, frozen=False)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen_record(cls: _C) -> _C:
    """Make `cls` an immutable, hashable record."""
    return _build(cls, frozen=True)


def field_names(record_or_class: Any) -> tuple[str, ...]:
    """The names of a record's fields, in order."""
    cls = record_or_class if isinstance(record_or_class, type) else type(record_or_class)
    names: tuple[str, ...] = getattr(cls, _FIELDS)
    return names


def replace(obj: _R, /, **changes: Any) -> _R:
    """A copy of the record `obj` with `changes` to some of its fields."""
    names = field_names(obj)
    unknown = set(changes) - set(names)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    values = {name: getattr(obj, name) for name in names}
    values.update(changes)
    return type(obj)(**values)


def _build(cls: Any, frozen: bool) -> Any:
    if "__post_init__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: a record has no __post_init__")
    specs: dict[str, _Field] = {}
    for base in reversed(cls.__mro__[1:]):
        specs.update(base.__dict__.get(_SPECS, {}))
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if str(annotation).replace("typing.", "").startswith("ClassVar"):
            continue
        value = cls.__dict__.get(name, _MISSING)
        specs[name] = value if isinstance(value, _Field) else _Field(value)
        if isinstance(value, _Field):
            if value.default is _MISSING:
                delattr(cls, name)  # instances always set it; the class keeps no shared default
            else:
                setattr(cls, name, value.default)
    names = tuple(specs)
    _check_order(cls, specs)
    setattr(cls, _SPECS, specs)
    setattr(cls, _FIELDS, names)
    setattr(cls, _MATCH_ARGS, names)
    cls.__init__ = _init(cls, specs, frozen)
    cls.__repr__ = _repr
    cls.__eq__ = _eq
    if frozen:
        cls.__setattr__ = _refuse_set
        cls.__delattr__ = _refuse_delete
        cls.__hash__ = _hash
    else:
        cls.__hash__ = None
    return cls


def _check_order(cls: type, specs: dict[str, _Field]) -> None:
    with_default = None
    for name, spec in specs.items():
        if spec.default is not _MISSING or spec.make is not None:
            with_default = name
        elif with_default is not None:
            raise TypeError(f"{cls.__name__}: field {name!r} without a default follows {with_default!r}")


def _init(cls: type, specs: dict[str, _Field], frozen: bool) -> Callable[..., None]:
    """`__init__` written out for these fields: as fast to call as a dataclass's."""
    namespace: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body = [], []
    for name, spec in specs.items():
        value = name
        if spec.make is not None:
            namespace[f"_make_{name}"] = spec.make
            params.append(f"{name}=_MISSING")
            value = f"_make_{name}() if {name} is _MISSING else {name}"
        elif spec.default is not _MISSING:
            namespace[f"_default_{name}"] = spec.default
            params.append(f"{name}=_default_{name}")
        else:
            params.append(name)
        body.append(f"_set(self, {name!r}, {value})" if frozen else f"self.{name} = {value}")
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass") + "\n"
    exec(source, namespace)  # the names are the class's own annotations
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _values(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in getattr(type(obj), _FIELDS))


def _repr(self: Any) -> str:
    specs = getattr(type(self), _SPECS)
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name, spec in specs.items() if spec.shown)
    return f"{type(self).__qualname__}({shown})"


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
