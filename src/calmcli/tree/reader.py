"""Why a tree file does not convert: every problem, in calm's words, with its place.

msgspec converts a good file into `spec.TreeFile` in one call, and stops at the first problem of
a bad one. This reads the same types field by field instead, so one broken node does not hide
another's problems, and words each problem the way calm does ("'min' must be a whole number,
not the text 'one'"; "unknown key 'nxt' in a node; did you mean 'next'?"). What it builds from a
broken file is a best-effort `TreeFile` (a bad value replaced by its default) for the whole-tree
checks, so they can report their problems too without repeating these.
"""

from __future__ import annotations

import difflib
import types
import typing
from functools import cache
from typing import Any, Literal, Union

import msgspec

from calmcli.files import yamlsafe
from calmcli.tree.parts import Spec, Words, lenient
from calmcli.tree.problems import Collector, P, describe
from calmcli.tree.spec import TreeFile

BAD: Any = object()
"""What reading a value gives when the value cannot be used."""

_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
_CATEGORY = {str: "str", int: "int", float: "float", bool: "bool", type(None): "null"}
_ALL = frozenset({"str", "int", "float", "bool", "null", "array", "object"})


def category(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return _CATEGORY.get(type(value), "other")


class Shape:
    """What an annotation accepts, worked out once: JSON categories, words, parts to recurse."""

    def __init__(self, tp: Any) -> None:
        self.tp = tp
        self.metas: list[msgspec.Meta] = []
        self.says = Words()
        base = tp
        if typing.get_origin(tp) is typing.Annotated:
            base, *extra = typing.get_args(tp)
            self.metas = [m for m in extra if isinstance(m, msgspec.Meta)]
            self.says = next((m for m in extra if isinstance(m, Words)), Words())
        self.struct: type[Spec] | None = None
        self.tags: dict[str, type[Spec]] = {}
        self.item: Shape | None = None
        self.members: list[Shape] = []
        origin = typing.get_origin(base)
        if origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(base) if a is not msgspec.UnsetType]
            structs = [a for a in args if isinstance(a, type) and issubclass(a, Spec)]
            if len(structs) > 1:  # a tagged union: the node kinds
                self.struct = _common_base(structs)
                self.tags = {str(s.__struct_config__.tag): s for s in structs}
                args = [a for a in args if a not in structs]
                self.members = [_shape(a) for a in args]
                self.members.append(_TaggedMember(self))
            else:
                self.members = [_shape(a) for a in args]
            self.cats: frozenset[str] = frozenset().union(*(m.cats for m in self.members))
            self.words: str = _either(list(dict.fromkeys(m.words for m in self.members)))
        elif origin in (list, tuple):
            self.item = _shape(typing.get_args(base)[0])
            self.cats, self.words = frozenset({"array"}), "a list"
        elif origin is dict:
            self.cats, self.words = frozenset({"object"}), "a mapping"
        elif origin is Literal:
            values = typing.get_args(base)
            self.cats = frozenset(category(v) for v in values)
            self.words = " or ".join(repr(v) for v in values)
        elif isinstance(base, type) and issubclass(base, Spec):
            self.struct = base
            self.cats, self.words = frozenset({"object"}), "a mapping"
        elif base is Any:
            self.cats, self.words = _ALL, "anything"
        elif base is type(None):
            self.cats, self.words = frozenset({"null"}), ""
        else:
            self.cats = frozenset({_CATEGORY[base]} | ({"int"} if base is float else set()))
            self.words = _WORDS[base]
        self.leaf = self.struct is None and not self.members and self.item is None
        if self.members and all(m.leaf for m in self.members):
            self.leaf = True
        if self.item is not None and self.item.leaf:
            self.leaf = True


class _TaggedMember(Shape):
    """The structs of a tagged union (the node kinds), as one member of the union."""

    def __init__(self, union: Shape) -> None:
        self.tp, self.metas, self.says = union.tp, [], Words()
        self.struct, self.tags, self.item, self.members = union.struct, union.tags, None, []
        self.cats, self.words, self.leaf = frozenset({"object"}), "a mapping", False


def _either(words: list[str]) -> str:
    """ "text", "a whole number or text", "text, a whole number or true or false"."""
    words = [w for w in words if w]
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


def _common_base(classes: list[type[Spec]]) -> type[Spec]:
    return next(c for c in classes[0].__mro__ if all(issubclass(k, c) for k in classes))


@cache
def _shape(tp: Any) -> Shape:
    return Shape(tp)


@cache
def _fields(cls: type[Spec]) -> tuple[tuple[msgspec.structs.FieldInfo, Shape], ...]:
    return tuple((f, _shape(f.type)) for f in msgspec.structs.fields(cls))


def _keys(cls: type[Spec]) -> list[str]:
    return [f.encode_name for f, _ in _fields(cls)]


class Reader:
    """Reads one document; `found.problems` holds what it found."""

    def __init__(self, doc: yamlsafe.Document) -> None:
        self.doc = doc
        self.found = Collector(doc)
        self.damage = 0
        """Problems that make a value unusable (an unknown key does not)."""

    def read(self) -> TreeFile | None:
        file = self.value(self.doc.data, _shape(TreeFile), (), "the tree", "")
        return None if file is BAD else file

    def problem(self, path: P, message: str, *, key: bool = False, damage: bool = True) -> None:
        self.found.add(path, message, key=key)
        self.damage += damage

    # -- values ---------------------------------------------------------------------------

    def value(self, value: Any, shape: Shape, path: P, name: str, kind: str) -> Any:
        if category(value) not in shape.cats:
            self.wrong(value, shape, path, name)
            return BAD
        if shape.members:
            cat = category(value)
            member = next(m for m in shape.members if cat in m.cats)
            return self.value(value, member, path, name, kind)
        if shape.leaf:
            try:
                return msgspec.convert(value, shape.tp)
            except msgspec.ValidationError as exc:
                self.invalid(value, shape, path, name, exc)
                return BAD
        if shape.item is not None:
            if self.constraints(value, shape, path, name):
                return BAD
            out = []
            for i, item in enumerate(value):
                noun = shape.item.struct.noun if shape.item.struct is not None else name
                got = self.value(item, shape.item, (*path, i), noun, kind)
                if got is not BAD:
                    out.append(got)
            return out
        return self.struct(value, shape, path, kind)

    def wrong(self, value: Any, shape: Shape, path: P, name: str) -> None:
        if value is None:  # `key:` with nothing after it
            self.problem(path, f"{name} has no value: give it one, or leave it out")
            return
        template = shape.says.wrong
        if template is None and shape.struct is not None and not shape.members:
            template = shape.struct.wrong
        if template is None:
            template = "{name} must be {words}, not {found}"
        message = template.format(
            name=name, words=shape.words, found=describe(value), value=_repr(value)
        )
        if isinstance(value, bool) and "str" in shape.cats:
            message += " (quote it: 'yes', 'no')"
        self.problem(path, message)

    def constraints(self, value: Any, shape: Shape, path: P, name: str) -> bool:
        """Report a list of the wrong length; True when it is too long to read any further."""
        for meta in shape.metas:
            if meta.min_length is not None and len(value) < meta.min_length:
                words = "must not be empty" if meta.min_length == 1 else "has too few items"
                self.problem(path, self.said(shape, value, name, words))
            if meta.max_length is not None and len(value) > meta.max_length:
                self.problem(path, self.said(shape, value, name, "has too many items"))
                return True
        return False

    def invalid(self, value: Any, shape: Shape, path: P, name: str, exc: Exception) -> None:
        detail = str(exc).split(" - at `", 1)[0]
        self.problem(path, self.said(shape, value, name, f"is not valid: {detail}"))

    def said(self, shape: Shape, value: Any, name: str, fallback: str) -> str:
        template = shape.says.invalid
        if callable(template):
            template = template(value)
        if template is None:
            template = _constraint_words(shape) or f"{{name}} {fallback}"
        return template.format(name=name, found=describe(value), value=_repr(value))

    # -- mappings ---------------------------------------------------------------------------

    def struct(self, data: dict[Any, Any], shape: Shape, path: P, kind: str) -> Any:
        cls = shape.struct
        assert cls is not None
        if shape.tags:
            tag_field = str(cls.__struct_config__.tag_field)
            chosen = self.tag(data, shape, path, tag_field)
            if chosen is None:
                known = [
                    tag_field,
                    *dict.fromkeys(k for t in shape.tags.values() for k in _keys(t)),
                ]
                self.unknown_keys(data, cls, path, kind, known, set())
                self.fields(data, cls, path, kind)
                return BAD
            cls, kind = chosen, str(chosen.__struct_config__.tag)
            names = [tag_field, *_keys(cls)]
        else:
            names = _keys(cls)
        siblings = {k for s in cls.siblings() for k in _keys(s)} - set(names)
        self.unknown_keys(data, cls, path, kind, names, siblings)
        kwargs, usable = self.fields(data, cls, path, kind)
        with lenient():
            built = cls(**kwargs)
        if usable:
            for sub, message, on_key in built.problems():
                self.problem((*path, *sub), message, key=on_key)
        return built

    def tag(self, data: dict[Any, Any], shape: Shape, path: P, tag_field: str) -> Any:
        if tag_field not in data:
            self.problem(path, f"missing {tag_field!r}")
            return None
        tag = data[tag_field]
        if not isinstance(tag, str):
            self.problem((*path, tag_field), f"{tag_field!r} must be text, not {describe(tag)}")
            return None
        if tag not in shape.tags:
            hint = difflib.get_close_matches(tag, list(shape.tags), n=1)
            listed = ", ".join(shape.tags)
            more = f"; did you mean {hint[0]!r}?" if hint else f" (kinds: {listed})"
            self.problem((*path, tag_field), f"unknown kind {tag!r}{more}")
            return None
        return shape.tags[tag]

    def unknown_keys(
        self,
        data: dict[Any, Any],
        cls: type[Spec],
        path: P,
        kind: str,
        names: list[str],
        elsewhere: set[str],
    ) -> None:
        for key in data:
            if key in names:
                continue
            if key in elsewhere and cls.misplaced and kind:
                message = cls.misplaced.format(key=key, kind=kind)
                self.problem((*path, key), message, key=True, damage=False)
                continue
            candidates = [*names, *sorted(elsewhere)]
            hint = difflib.get_close_matches(str(key), candidates, n=1, cutoff=0.6)
            message = f"unknown key {key!r} in {cls.noun}"
            message += f"; did you mean {hint[0]!r}?" if hint else f" (allowed: {', '.join(names)})"
            self.problem((*path, key), message, key=True, damage=False)

    def fields(
        self, data: dict[Any, Any], cls: type[Spec], path: P, kind: str
    ) -> tuple[dict[str, Any], bool]:
        """The keyword arguments to build `cls`, and whether every field came through whole."""
        kwargs: dict[str, Any] = {}
        usable = True
        for info, shape in _fields(cls):
            key = info.encode_name
            if key not in data:
                if info.required:
                    self.problem(path, shape.says.missing or f"missing {key!r}")
                    kwargs[info.name] = _placeholder(shape)
                    usable = False
                continue
            before = self.damage
            got = self.value(data[key], shape, (*path, key), f"{key!r}", kind)
            if got is BAD:
                if info.required:
                    kwargs[info.name] = _placeholder(shape)
            else:
                kwargs[info.name] = got
            usable = usable and self.damage == before
        return kwargs, usable


def _constraint_words(shape: Shape) -> str | None:
    for meta in shape.metas:
        if meta.ge == 0:
            return "{name} must not be negative"
        if meta.ge is not None:
            return f"{{name}} must be {meta.ge} or more"
        if meta.pattern is not None:
            return "{name} is not in the right form"
        if meta.max_length is not None:
            return f"{{name}} is too long (at most {meta.max_length})"
    return None


def _placeholder(shape: Shape) -> Any:
    """A stand-in of the right type for a required value that is missing or unusable."""
    cats = shape.cats
    for cat, stand_in in (("str", ""), ("int", 0), ("bool", False), ("array", [])):
        if cat in cats:
            return stand_in
    return None


def _repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 44 else text[:40] + "…'"
