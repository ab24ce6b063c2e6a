"""readr.record: what readr uses of a dataclass, checked against dataclasses itself."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readr.record import FrozenInstanceError, field, field_names, frozen_record, record, replace


@record
class Item:
    name: str
    count: int = 0
    tags: list[str] = field(default_factory=list)
    kind: ClassVar[str] = "item"


@dataclasses.dataclass
class DataItem:
    name: str
    count: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)
    kind: ClassVar[str] = "item"


@frozen_record
class Point:
    x: int
    y: int = 0


@given(name=st.text(), count=st.integers(), tags=st.lists(st.text(max_size=5), max_size=3))
def test_a_record_behaves_as_the_same_dataclass(name, count, tags):
    ours, theirs = Item(name, count, tags=tags), DataItem(name, count, tags=tags)
    assert repr(ours) == repr(theirs).replace("DataItem", "Item")
    assert ours == Item(name=name, count=count, tags=list(tags))
    assert (ours == Item(name + "x", count, tags)) is False
    assert ours.__match_args__ == DataItem.__match_args__ == ("name", "count", "tags")


def test_defaults_and_factories():
    first, second = Item("a"), Item("b")
    first.tags.append("x")
    assert second.tags == [] and first.tags == ["x"]  # a fresh list each time
    assert Item("a").count == 0
    assert "tags" not in Item.__dict__  # the factory is no class attribute to share
    assert Item.kind == "item" and "kind" not in repr(Item("a"))
    with pytest.raises(TypeError):
        Item()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Item("a", 1, [], "too many")  # type: ignore[call-arg]


def test_eq_is_between_instances_of_one_class():
    assert Item("a") != DataItem("a")
    assert Item("a") != ("a", 0, [])
    assert Item.__hash__ is None  # mutable: not hashable, as a dataclass with eq


def test_frozen_records_are_immutable_and_hashable():
    point = Point(1, 2)
    with pytest.raises(FrozenInstanceError):
        point.x = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.y  # type: ignore[misc]
    assert {Point(1, 2), Point(1, 2), Point(2, 1)} == {Point(1, 2), Point(2, 1)}
    assert hash(Point(1)) == hash(Point(1, 0))


def test_replace_copies_with_changes():
    point = Point(1, 2)
    assert replace(point, y=7) == Point(1, 7) and point == Point(1, 2)
    item = Item("a", 3, ["t"])
    assert replace(item) == item and replace(item) is not item
    with pytest.raises(TypeError, match="no field 'z'"):
        replace(point, z=1)


def test_a_subclass_adds_fields_after_its_base():
    @record
    class Tagged(Item):
        colour: str = "red"

    assert Tagged("a", colour="blue") == Tagged(name="a", count=0, tags=[], colour="blue")
    assert repr(Tagged("a")).endswith(".<locals>.Tagged(name='a', count=0, tags=[], colour='red')")


def test_mistakes_are_refused_when_the_class_is_made():
    with pytest.raises(TypeError, match="without a default"):
        @record
        class Bad:
            a: int = 0
            b: int

    with pytest.raises(TypeError, match="__post_init__"):
        @record
        class Later:
            a: int

            def __post_init__(self) -> None:
                pass


@record
class Cached:
    name: str
    handle: object = field(default=None, repr=False)


def test_field_options_default_and_repr():
    assert Cached("a").handle is None and Cached.handle is None
    assert repr(Cached("a", handle=object())) == "Cached(name='a')"
    assert field_names(Cached) == field_names(Cached("a")) == ("name", "handle")
    with pytest.raises(TypeError, match="not both"):
        field(default=[], default_factory=list)


def test_a_field_declared_again_keeps_its_place_as_in_a_dataclass():
    @record
    class Recounted(Item):
        count: int = 5

    @dataclasses.dataclass
    class DataRecounted(DataItem):
        count: int = 5

    assert field_names(Recounted) == tuple(f.name for f in dataclasses.fields(DataRecounted))
    assert Recounted("a") == Recounted("a", 5, [])
