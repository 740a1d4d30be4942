"""Merging two versions of one case: what git's merge driver and `calm doctor` both run.

A case merges by construction. Its history, check-ins and choices to make are entries that are
only ever added: a merge keeps every entry either side added (an entry is its own content, so
the same entry on both sides is one entry, and one added twice is kept twice). Promised items
carry a random `uid`, so two items numbered 3 on two machines stay two items: the one from the
other side is numbered after the rest, and its history follows it. Any other field takes the
side that changed it.

When both sides changed the same field to different values, that is a true conflict: two
different agreed options, two different next check-ins, a case closed here and given a new
check-in there. It is never settled silently. The merge keeps a value in force (the safe one:
the earlier check-in, the case kept open, the later agreement) and records the choice in the
case's `conflicts`, with every value; the user picks one (`calm resolve`), and any change
made on purpose to that field settles it too.

With no common ancestor (a sync tool's conflict copy, two files added on two clones), the
ancestor is worked out: entries both sides hold, and for each field the value of the side whose
own history did not touch it. Pure data, no I/O.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

NEXT = "followup_due"
"""The conflict field for what happens next: a check-in time, or "closed"."""
CLOSED = "closed"
ENTRY_LISTS = ("history", "checkins", "conflicts")


class _Missing:
    """A key one version does not have."""

    def __repr__(self) -> str:
        return "MISSING"


class _Unknown:
    """A value the worked-out ancestor cannot know: both sides' values count as changes."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "UNKNOWN"


MISSING: Any = _Missing()
UNKNOWN: Any = _Unknown()


class NotTheSameCase(ValueError):
    """Two files with one name that hold two different cases."""


@dataclass
class Merged:
    """The merged case data, and what the merge did that a person should hear about."""

    data: dict[str, Any]
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    """The choices this merge found (the case's `conflicts` holds every open one)."""
    renumbered: list[tuple[int, int]] = field(default_factory=list)
    """Items from the other side given a new number: (was, now)."""


def merge(base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]) -> Merged:
    """Merge two versions of a case's data (as in its file) given their common ancestor, or
    None when there is none. Raises `NotTheSameCase` for two different cases."""
    same_case(ours, theirs)
    if base is not None and not _same(base, ours):
        base = None  # an ancestor of some other case (a re-used file name): no ancestor
    if base is None:
        base = _worked_out_base(ours, theirs)
    found: list[dict[str, Any]] = []
    conflicts = _entries(base.get("conflicts") or [], ours.get("conflicts") or [],
                         theirs.get("conflicts") or [])[0]  # fmt: skip
    items, renumbered, item_choices = _items(
        base.get("items") or [], ours.get("items") or [], theirs.get("items") or []
    )
    numbers = _theirs_numbers(theirs.get("items") or [], items)
    out: dict[str, Any] = {}
    for key in _keys(ours, theirs):
        b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
        if key in ("history", "checkins"):
            value: Any = _entry_list(key, b, o, t, numbers)
        elif key == "conflicts":
            continue  # set below, once every field is merged
        elif key == "items":
            value = items
        elif key == "revision":
            value = o  # set below, once the rest is merged
        elif key == "status":
            continue  # merged with the next check-in, as one
        elif key == NEXT:
            step, choice = _next_step(
                (base.get("status", MISSING), b),
                (ours.get("status", MISSING), o),
                (theirs.get("status", MISSING), t),
            )
            out["status"], value = step
            found += choice
        else:
            value, choice = _field(key, b, o, t)
            found += choice
        if value is not MISSING:
            out[key] = value
    found += item_choices
    out["conflicts"] = _settle(conflicts, found, out)
    if not out["conflicts"]:
        del out["conflicts"]
    if "revision" in out:
        out["revision"] = _revision(out, ours, theirs)
    return Merged(_in_order(out, ours), found, renumbered)


def same_case(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    if not _same(ours, theirs):
        raise NotTheSameCase(
            f"two different cases share the id {ours.get('id')!r}: one for "
            f"{ours.get('customer')!r} made {ours.get('created')}, one for "
            f"{theirs.get('customer')!r} made {theirs.get('created')}"
        )


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("id") == b.get("id") and str(a.get("created")) == str(b.get("created"))


def _keys(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    keys = list(ours)
    keys += [k for k in theirs if k not in ours]
    if "status" in keys and NEXT not in keys:
        keys.append(NEXT)
    return keys


def _in_order(out: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """Ours' key order, then keys only theirs had, with a new `conflicts` beside the next
    check-in."""
    ordered: dict[str, Any] = {}
    for key in [*(k for k in ours if k in out), *(k for k in out if k not in ours)]:
        if key == "conflicts" or key in ordered:
            continue
        ordered[key] = out[key]
        if key == NEXT and "conflicts" in out:
            ordered["conflicts"] = out["conflicts"]
    if "conflicts" in out and "conflicts" not in ordered:
        ordered["conflicts"] = out["conflicts"]
    return ordered


# -- entries: history, check-ins, choices --------------------------------------------------------


def entry_key(entry: Any) -> str:
    """An entry's identity: its whole content."""
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str)


def _entries(base: list[Any], ours: list[Any], theirs: list[Any]) -> tuple[list[Any], list[Any]]:
    """Every entry either side holds, each as many times as it was added (ours + theirs -
    base), ours first; and the entries only theirs added."""
    b = Counter(entry_key(e) for e in base)
    o = Counter(entry_key(e) for e in ours)
    t = Counter(entry_key(e) for e in theirs)
    want = {k: max(0, o[k] + t[k] - b[k]) for k in o | t}
    kept: Counter[str] = Counter()
    out: list[Any] = []
    extra: list[Any] = []
    for side in (ours, theirs):
        for entry in side:
            key = entry_key(entry)
            if kept[key] < want.get(key, 0):
                kept[key] += 1
                out.append(entry)
                if side is theirs:
                    extra.append(entry)
    return out, extra


def _entry_list(key: str, b: Any, o: Any, t: Any, numbers: dict[int, int]) -> Any:
    if o is MISSING and t is MISSING:
        return MISSING
    lists = [x if isinstance(x, list) else [] for x in (b, o, t)]
    merged, extra = _entries(*lists)
    if numbers and key == "history":  # items renumbered: their history follows them
        moved = {id(e) for e in extra}
        merged = [_renumber_entry(e, numbers) if id(e) in moved else e for e in merged]
    return _by_time(merged)


def _theirs_numbers(theirs: list[Any], merged: list[Any]) -> dict[int, int]:
    """Item numbers on the other side that the merge changed (an item renumbered now, or in
    an earlier step of the same rebase): its number there -> its number now."""
    now = {item_key(i): i.get("n") for i in merged if isinstance(i, dict)}
    out: dict[int, int] = {}
    for item in theirs:
        if not isinstance(item, dict):
            continue
        n, moved = item.get("n"), now.get(item_key(item))
        if isinstance(n, int) and isinstance(moved, int) and moved != n:
            out[n] = moved
    return out


def _renumber_entry(entry: Any, numbers: dict[int, int]) -> Any:
    n = entry.get("item") if isinstance(entry, dict) else None
    if isinstance(n, int) and not isinstance(n, bool) and n in numbers:
        return {**entry, "item": numbers[n]}
    return entry


def _by_time(entries: list[Any]) -> list[Any]:
    """In time order (stable: an entry whose time cannot be read stays after the one before)."""
    stamps: list[float] = []
    last = float("-inf")
    for entry in entries:
        at = _instant(entry.get("at") if isinstance(entry, dict) else None)
        last = at if at is not None else last
        stamps.append(last)
    order = sorted(range(len(entries)), key=lambda i: (stamps[i], i))
    return [entries[i] for i in order]


def _instant(text: Any) -> float | None:
    if not isinstance(text, str | datetime):
        return None
    try:
        when = text if isinstance(text, datetime) else datetime.fromisoformat(text)
        return when.timestamp()
    except (ValueError, OverflowError, OSError):
        return None


# -- fields --------------------------------------------------------------------------------------


def _one_side(b: Any, o: Any, t: Any) -> tuple[bool, Any]:
    """The three-way rule before any finer merge: when both sides agree, or only one of them
    changed the ancestor `b`, (True, that value); (False, None) when both changed it."""
    if o == t or t == b:
        return True, o
    if o == b:
        return True, t
    return False, None


def _field(key: str, b: Any, o: Any, t: Any) -> tuple[Any, list[dict[str, Any]]]:
    """A field either side may change: the changed side's value, else a choice."""
    settled, value = _one_side(b, o, t)
    if settled:
        return value, []
    if key == "outcome" and isinstance(o, dict) and isinstance(t, dict):
        return _outcome(b, o, t)
    if key == "calm_case":
        return max(o, t) if isinstance(o, int) and isinstance(t, int) else o, []
    if key == "review" and isinstance(o, dict) and isinstance(t, dict):
        kept, other = (o, t) if _later(o, t) else (t, o)
        return kept, [_choice(key, kept, other, b)]
    return o, [_choice(key, o, t, b)]


def _outcome(b: Any, o: dict[str, Any], t: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
    """Two agreements logged at once. The same option twice is one agreement (the notes of
    both kept); two different options are a choice, the later one in force."""
    kept, other = (o, t) if _later(o, t) else (t, o)
    if str(o.get("option") or "").strip() == str(t.get("option") or "").strip():
        notes = [str(x.get("notes") or "").strip() for x in (kept, other)]
        joined = "\n".join(dict.fromkeys(n for n in notes if n))
        return {**kept, "notes": joined}, []
    return kept, [_choice("outcome", kept, other, b)]


def _later(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """`a` was made at the same time as `b` or after it."""
    at, bt = _instant(a.get("at")), _instant(b.get("at"))
    return at is None or bt is None or at >= bt


def _revision(out: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> Any:
    """The revision of one side when the merge is that side; else past both, since the
    merged case is newer than either (its derived files must be rebuilt everywhere)."""
    o, t = ours.get("revision"), theirs.get("revision")
    rest = {k: v for k, v in out.items() if k != "revision"}
    for side, value in ((ours, o), (theirs, t)):
        if rest == {k: v for k, v in side.items() if k != "revision"}:
            return value
    if isinstance(o, int) and isinstance(t, int):
        return max(o, t) + 1
    return o


def step_value(status: Any, due: Any) -> Any:
    """What happens next, as one value: "closed", a check-in time, or None."""
    if status == CLOSED:
        return CLOSED
    return due if due not in (None, "", MISSING) else None


def _next_step(
    b: tuple[Any, Any], o: tuple[Any, Any], t: tuple[Any, Any]
) -> tuple[tuple[Any, Any], list[dict[str, Any]]]:
    """The status and the next check-in, merged as one: closing here while another check-in
    is set there is a choice, and the case stays open meanwhile (a missed call is worse than
    one made twice). Two different check-ins are a choice, the earlier one in force."""
    if o == t or t == b:
        return o, []
    if o == b:
        return t, []
    vo, vt = step_value(*o), step_value(*t)
    if vo == vt:
        return o, []
    kept = _safer(vo, vt)
    kept_step, other = (o, vt) if kept == vo else (t, vo)
    if b[0] is UNKNOWN or b[1] is UNKNOWN:
        superseded: Any = UNKNOWN
    else:
        superseded = step_value(*b)
    return kept_step, [_choice(NEXT, kept, other, superseded)]


def _safer(a: Any, b: Any) -> Any:
    """Of two next steps, the one that keeps the customer from being forgotten: a check-in
    before none, an open case before a closed one, the earlier of two check-ins."""
    if (a in (CLOSED, None)) != (b in (CLOSED, None)):
        return b if a in (CLOSED, None) else a
    if a in (CLOSED, None):
        return None if None in (a, b) else a
    ta, tb = _instant(a), _instant(b)
    if ta is None or tb is None:
        return a
    return a if ta <= tb else b


def _choice(key: str, kept: Any, other: Any, superseded: Any) -> dict[str, Any]:
    return {"field": key, "choices": [kept, other], "_superseded": superseded}


def _settle(
    existing: list[Any], found: list[dict[str, Any]], data: dict[str, Any]
) -> list[dict[str, Any]]:
    """The open choices: one per field, the value in force first, every other value once.
    A value one side had and then changed itself is no longer one of the choices."""
    by_field: dict[str, list[Any]] = {}
    superseded: dict[str, list[Any]] = {}
    for entry in [*existing, *found]:
        if not isinstance(entry, dict) or not isinstance(entry.get("field"), str):
            continue
        values = by_field.setdefault(entry["field"], [])
        for value in entry.get("choices") or []:
            if value not in values:
                values.append(value)
        if "_superseded" in entry:
            superseded.setdefault(entry["field"], []).append(entry["_superseded"])
    out = []
    for name, values in by_field.items():
        current = value_of(data, name)
        if current is UNKNOWN:
            continue  # the field is gone (an item dropped by hand): nothing to choose
        gone = [v for v in superseded.get(name, []) if v is not UNKNOWN]
        others = [v for v in values if v != current and v not in gone]
        if others:
            out.append({"field": name, "choices": [current, *others]})
    for entry in found:
        entry.pop("_superseded", None)
    return out


# -- items ---------------------------------------------------------------------------------------


def item_key(item: Any) -> str:
    """An item's identity: its uid, or its number for an item made before uids."""
    if not isinstance(item, dict):
        return entry_key(item)
    return str(item.get("uid") or f"#{item.get('n')}")


def _items(
    base: list[Any], ours: list[Any], theirs: list[Any]
) -> tuple[list[Any], list[tuple[int, int]], list[dict[str, Any]]]:
    """Items by identity, field by field; theirs' new ones numbered after the rest."""
    b = {item_key(i): i for i in base}
    o = {item_key(i): i for i in ours}
    t = {item_key(i): i for i in theirs}
    merged: list[tuple[str, Any, bool]] = []  # (key, item, from ours)
    choices: list[dict[str, Any]] = []
    for key in [*o, *(k for k in t if k not in o)]:
        bi, oi, ti = b.get(key, MISSING), o.get(key, MISSING), t.get(key, MISSING)
        if oi is MISSING:
            if bi is MISSING or ti != bi:  # added there, or changed there and gone here
                merged.append((key, ti, False))
            continue
        if ti is MISSING:
            if bi is MISSING or oi != bi:
                merged.append((key, oi, True))
            continue
        item, found = _item(key, bi, oi, ti)
        merged.append((key, item, True))
        choices += found
    # Numbers: ours keep theirs; an item only the other side has, whose number is taken, moves.
    used: set[int] = set()
    out: list[Any] = []
    renumbered: list[tuple[int, int]] = []
    fixes = any(
        isinstance(i, dict) and i.get("fix") and i.get("state", "open") == "open"
        for _, i, mine in merged
        if mine
    )
    late: list[Any] = []
    for _key, item, mine in merged:
        n = item.get("n") if isinstance(item, dict) else None
        if mine and isinstance(n, int) and n not in used:
            used.add(n)
            out.append(item)
        else:
            late.append(item)
    for item in late:
        n = item.get("n") if isinstance(item, dict) else None
        if isinstance(n, int) and n not in used:
            used.add(n)
        elif isinstance(item, dict):
            new = max(used, default=0) + 1
            used.add(new)
            if isinstance(n, int):
                renumbered.append((n, new))
            item = {**item, "n": new}
        if fixes and isinstance(item, dict) and item.get("fix"):
            item = {k: v for k, v in item.items() if k != "fix"}  # one agreed fix: ours
        out.append(item)
    return out, renumbered, choices


def _item(
    key: str, b: Any, o: dict[str, Any], t: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    settled, value = _one_side(b, o, t)
    if settled:
        return value, []
    base = b if isinstance(b, dict) else {}
    out: dict[str, Any] = {}
    choices = []
    for name in [*o, *(k for k in t if k not in o)]:
        bv, ov, tv = base.get(name, MISSING), o.get(name, MISSING), t.get(name, MISSING)
        if ov == tv or tv == bv:
            value = ov
        elif ov == bv:
            value = tv
        elif name == "changes":
            value = ov
        elif name == "why":
            value = tv if ov in (MISSING, "") else ov
        elif name in ("due", "state", "what"):
            kept = _safer(ov, tv) if name == "due" else "open" if "open" in (ov, tv) else ov
            other = tv if kept == ov else ov
            value = kept
            choices.append(_choice(f"items.{key}.{name}", kept, other, bv))
        else:
            value = ov
        if value is not MISSING:
            out[name] = value
    counts = [x.get("changes", 0) for x in (o, t)]
    if all(isinstance(c, int) for c in counts):
        out["changes"] = max(counts) + 1  # a calendar sees the merged item as its newest
    return out, choices


# -- the value of a field, and choosing one ------------------------------------------------------


def value_of(data: dict[str, Any], name: str) -> Any:
    """The value in force of a conflict's field (UNKNOWN if the field is gone)."""
    if name == NEXT:
        return step_value(data.get("status"), data.get(NEXT))
    if name.startswith("items."):
        key, _, part = name[len("items.") :].rpartition(".")
        for item in data.get("items") or []:
            if item_key(item) == key:
                return item.get(part)
        return UNKNOWN
    return data.get(name)


def choose(data: dict[str, Any], name: str, value: Any) -> None:
    """Set a conflict's field to the chosen value and drop the choice from the case."""
    if name == NEXT:
        if value == CLOSED:
            data["status"], data[NEXT] = CLOSED, None
        else:
            data["status"], data[NEXT] = "open", value
    elif name.startswith("items."):
        key, _, part = name[len("items.") :].rpartition(".")
        data["items"] = [
            {**i, part: value, "changes": int(i.get("changes") or 0) + 1}
            if item_key(i) == key
            else i
            for i in data.get("items") or []
        ]
    else:
        data[name] = value
    data["conflicts"] = [c for c in data.get("conflicts") or [] if c.get("field") != name]


def settled(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The open choices after a change made on purpose: a choice that was open before and
    whose field the change set is settled (a choice the change itself found stays)."""
    had = {entry_key(c) for c in before.get("conflicts") or []}
    out = []
    for entry in after.get("conflicts") or []:
        name = entry.get("field")
        if (
            entry_key(entry) in had
            and isinstance(name, str)
            and value_of(before, name) != value_of(after, name)
        ):
            continue
        out.append(entry)
    return out


# -- no common ancestor --------------------------------------------------------------------------

TOUCHES: dict[str, tuple[str, ...]] = {
    "logged": ("outcome", NEXT),
    "reopened": (NEXT,),
    "checked_in": (NEXT,),
    "closed": (NEXT,),
    "snoozed": (NEXT,),
    "delayed": (NEXT,),
    "reviewed": ("review",),
    "assigned": ("owner",),
}
"""The fields each history event changes: with no common ancestor, a field that differs
was changed by the side whose own history says so."""


def _worked_out_base(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """An ancestor for two versions that have none: the entries both hold; for each field
    that differs, the value of the side whose own new history did not touch it (UNKNOWN when
    both or neither did: a choice); for an item changed on both, its less changed version."""
    base: dict[str, Any] = {}
    mine = _own_events(ours, theirs)
    yours = _own_events(theirs, ours)
    touched_o = {f for e in mine for f in _touched(e)}
    touched_t = {f for e in yours for f in _touched(e)}
    for key in _keys(ours, theirs):
        o, t = ours.get(key, MISSING), theirs.get(key, MISSING)
        if key in ENTRY_LISTS:
            base[key] = _common(o if isinstance(o, list) else [], t if isinstance(t, list) else [])
        elif key == "items":
            base[key] = _common_items(o if isinstance(o, list) else [],
                                      t if isinstance(t, list) else [])  # fmt: skip
        elif key == "revision":
            base[key] = min(o, t) if isinstance(o, int) and isinstance(t, int) else o
        elif key in ("status", NEXT):
            pair_o = (ours.get("status", MISSING), ours.get(NEXT, MISSING))
            pair_t = (theirs.get("status", MISSING), theirs.get(NEXT, MISSING))
            index = 0 if key == "status" else 1
            base[key] = _ancestor(NEXT, pair_o, pair_t, touched_o, touched_t)[index]
        else:
            base[key] = _ancestor(key, o, t, touched_o, touched_t)
    return {k: v for k, v in base.items() if v is not MISSING}


def _ancestor(key: str, o: Any, t: Any, touched_o: set[str], touched_t: set[str]) -> Any:
    if o == t:
        return o
    if key in touched_o and key not in touched_t:
        return t
    if key in touched_t and key not in touched_o:
        return o
    return (UNKNOWN, UNKNOWN) if isinstance(o, tuple) else UNKNOWN


def _own_events(side: dict[str, Any], other: dict[str, Any]) -> list[Any]:
    """The history entries `side` holds and `other` does not."""
    history: list[Any] = side.get("history") or []
    theirs: list[Any] = other.get("history") or []
    if not isinstance(history, list) or not isinstance(theirs, list):
        return []
    count = Counter(entry_key(e) for e in theirs)
    out = []
    for entry in history:
        key = entry_key(entry)
        if count[key] > 0:
            count[key] -= 1
        else:
            out.append(entry)
    return out


def _touched(event: Any) -> Iterable[str]:
    if not isinstance(event, dict):
        return ()
    kind = event.get("event")
    if kind == "resolved" and isinstance(event.get("field"), str):
        return (event["field"],)
    return TOUCHES.get(str(kind), ())


def _common(a: list[Any], b: list[Any]) -> list[Any]:
    count = Counter(entry_key(e) for e in b)
    out = []
    for entry in a:
        key = entry_key(entry)
        if count[key] > 0:
            count[key] -= 1
            out.append(entry)
    return out


def _common_items(a: list[Any], b: list[Any]) -> list[Any]:
    theirs = {item_key(i): i for i in b}
    out = []
    for item in a:
        other = theirs.get(item_key(item))
        if other is None:
            continue
        if other == item:
            out.append(item)
            continue
        older, newer = (item, other) if _changes(item) <= _changes(other) else (other, item)
        if _changes(item) == _changes(other):
            older = {k: (v if other.get(k) == v else UNKNOWN) for k, v in item.items()}
        out.append(older)
    return out


def _changes(item: Any) -> int:
    value = item.get("changes", 0) if isinstance(item, dict) else 0
    return value if isinstance(value, int) else 0


# -- git's conflict markers ----------------------------------------------------------------------


def split_markers(text: str) -> tuple[str, str, str | None] | None:
    """A file holding a merge's conflict markers as its two sides (and the ancestor, when the
    markers include one), or None if it holds no well-formed markers."""
    ours: list[str] = []
    theirs: list[str] = []
    base: list[str] = []
    has_base = False
    state = "both"
    seen = False
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if bare.startswith("<<<<<<<") and state == "both":
            state, seen = "ours", True
        elif bare.startswith("|||||||") and state == "ours":
            state, has_base = "base", True
        elif bare == "=======" and state in ("ours", "base"):
            state = "theirs"
        elif bare.startswith(">>>>>>>") and state == "theirs":
            state = "both"
        elif state == "both":
            ours.append(line)
            theirs.append(line)
            base.append(line)
        elif state == "ours":
            ours.append(line)
        elif state == "base":
            base.append(line)
        else:
            theirs.append(line)
    if not seen or state != "both":
        return None
    return "".join(ours), "".join(theirs), "".join(base) if has_base else None
