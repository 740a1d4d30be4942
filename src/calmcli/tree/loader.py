"""Turn a tree's YAML into a `Tree`, collecting every problem with its file:line:column.

Shape problems (unknown keys, wrong types, bad values) are found here; problems that need the
whole tree (branch targets, reachability, loops, template names) are found in `check`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calmcli.errors import BadInput
from calmcli.files import yamlsafe
from calmcli.tree.model import (
    END,
    KINDS,
    PLAN_TEXT_KEYS,
    Choice,
    Condition,
    Node,
    Plan,
    PlanLine,
    PlanOption,
    Rule,
    Section,
    Tree,
    Validation,
)
from calmcli.tree.templates import TemplateError, placeholders

TOP_KEYS = ("format", "id", "title", "description", "version", "sections", "start", "nodes", "plan")
SECTION_KEYS = ("id", "title", "description")
NODE_KEYS = (
    "id",
    "section",
    "kind",
    "prompt",
    "help",
    "required",
    "default",
    "validate",
    "choices",
    "min",
    "max",
    "labels",
    "next",
)
CHOICE_KEYS = ("value", "label", "next")
RULE_KEYS = ("if", "goto")
VALIDATE_KEYS = {
    "min_length": ("text", "longtext"),
    "max_length": ("text", "longtext"),
    "pattern": ("text", "longtext"),
    "min_choices": ("multi",),
    "max_choices": ("multi",),
    "min": ("scale",),
    "max": ("scale",),
    "not_past": ("date",),
    "max_days_ahead": ("date",),
    "message": KINDS[1:],
}
COMPARISONS = ("equals", "in", "includes", "at_least", "at_most", "answered")
PLAN_KEYS = (*PLAN_TEXT_KEYS, "facts", "questions", "options", "followup")
OPTION_KEYS = ("option", "feasibility", "cost", "speed")
TREE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
NODE_ID = re.compile(r"^[a-z][a-z0-9_]*$")

P = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    column: int
    where: str
    message: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}: {self.where}: {self.message}"


class TreeInvalid(BadInput):
    """A tree with problems; `problems` lists them all, in file order."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        problems = sorted(set(problems))
        n = len(problems)
        super().__init__(
            f"{source}: {n} problem{'s' if n != 1 else ''} in this tree",
            details=[str(p) for p in problems],
        )
        self.problems = problems


class _Reader:
    def __init__(self, doc: yamlsafe.Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.where = "tree"
        self.template_paths: list[tuple[str, P, str]] = []
        self.node_paths: dict[str, P] = {}

    def problem(self, path: P, message: str, *, key: bool = False) -> None:
        line, col = self.doc.loc(path, key=key)
        self.problems.append(Problem(line, col, self.where, message, self.doc.source))

    def keys(self, obj: dict[Any, Any], path: P, allowed: tuple[str, ...], what: str) -> None:
        for key in obj:
            if key in allowed:
                continue
            hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            msg = f"unknown key {key!r} in {what}"
            msg += f"; did you mean {hint[0]!r}?" if hint else f" (allowed: {', '.join(allowed)})"
            self.problem((*path, key), msg, key=True)

    def get(
        self,
        obj: dict[Any, Any],
        path: P,
        key: str,
        types: type | tuple[type, ...],
        *,
        required: bool = False,
        default: Any = None,
    ) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                self.problem(path, f"missing {key!r}")
            return default
        value = obj[key]
        bad_bool = isinstance(value, bool) and bool not in (
            types if isinstance(types, tuple) else (types,)
        )
        if not isinstance(value, types) or bad_bool:
            names = types if isinstance(types, tuple) else (types,)
            want = " or ".join(_TYPE_WORDS.get(t, t.__name__) for t in names)
            self.problem((*path, key), f"{key!r} must be {want}, not {_describe(value)}")
            return default
        return value

    def text(self, obj: dict[Any, Any], path: P, key: str, *, required: bool = False) -> str:
        value = self.get(obj, path, key, str, required=required, default="")
        if required and isinstance(obj.get(key), str) and not obj[key].strip():
            self.problem((*path, key), f"{key!r} must not be empty")
        if value:
            self.template((*path, key), value)
        return str(value)

    def template(self, path: P, value: str) -> None:
        try:
            placeholders(value)
        except TemplateError as exc:
            self.problem(path, f"template: {exc}")
            return
        self.template_paths.append((self.where, path, value))

    # -- conditions and branching ------------------------------------------------------------

    def condition(self, raw: Any, path: P) -> Condition | None:
        if not isinstance(raw, dict) or not raw:
            self.problem(path, f"a condition must be a mapping, not {_describe(raw)}")
            return None
        for combo in ("all", "any"):
            if combo in raw:
                self.keys(raw, path, (combo,), "a condition")
                items = raw[combo]
                if not isinstance(items, list) or not items:
                    self.problem((*path, combo), f"{combo!r} takes a non-empty list of conditions")
                    return None
                kids = [self.condition(c, (*path, combo, i)) for i, c in enumerate(items)]
                if any(k is None for k in kids):
                    return None
                return Condition(combo, children=tuple(k for k in kids if k))
        if "not" in raw:
            self.keys(raw, path, ("not",), "a condition")
            kid = self.condition(raw["not"], (*path, "not"))
            return Condition("not", children=(kid,)) if kid else None
        self.keys(raw, path, ("answer", *COMPARISONS), "a condition")
        answer = self.get(raw, path, "answer", str, required=True)
        ops = [k for k in COMPARISONS if k in raw]
        if len(ops) != 1:
            self.problem(path, f"a condition needs exactly one of {', '.join(COMPARISONS)}")
            return None
        op = ops[0]
        arg = raw[op]
        if op == "in" and not isinstance(arg, list):
            self.problem((*path, op), "'in' takes a list of values")
            return None
        if op in ("at_least", "at_most") and (
            isinstance(arg, bool) or not isinstance(arg, int | float)
        ):
            self.problem((*path, op), f"{op!r} takes a number")
            return None
        if op == "answered" and not isinstance(arg, bool):
            self.problem((*path, op), "'answered' takes true or false")
            return None
        return Condition(op, answer, arg) if answer else None

    def rules(self, raw: Any, path: P) -> tuple[Rule, ...]:
        if raw is None:
            return ()
        if isinstance(raw, str):
            if not raw.strip():
                self.problem(path, "'next' is empty: name a node, or 'end'")
                return ()
            return (Rule(raw),)
        if not isinstance(raw, list) or not raw:
            self.problem(path, "'next' must be a node id, 'end', or a list of rules")
            return ()
        out: list[Rule] = []
        for i, item in enumerate(raw):
            rpath = (*path, i)
            if not isinstance(item, dict):
                self.problem(rpath, "a rule must be a mapping with 'goto' (and 'if')")
                continue
            self.keys(item, rpath, RULE_KEYS, "a rule")
            goto = self.get(item, rpath, "goto", str, required=True)
            cond = self.condition(item["if"], (*rpath, "if")) if "if" in item else None
            last = i == len(raw) - 1
            if last and "if" in item:
                self.problem(rpath, "the last rule must have no 'if': it is the fallback")
            if not last and "if" not in item:
                self.problem(rpath, "only the last rule may lack 'if' (it is the fallback)")
            if goto is not None and not goto.strip():
                self.problem((*rpath, "goto"), "'goto' is empty: name a node, or 'end'")
            elif goto:
                out.append(Rule(goto, cond))
        return tuple(out)

    # -- nodes ---------------------------------------------------------------------------------

    def choices(self, raw: Any, path: P) -> tuple[Choice, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem(path, "'choices' must be a non-empty list")
            return ()
        out: list[Choice] = []
        seen: set[Any] = set()
        for i, item in enumerate(raw):
            cpath = (*path, i)
            if isinstance(item, str | int) and not isinstance(item, bool):
                choice = Choice(item, str(item))
            elif isinstance(item, dict):
                self.keys(item, cpath, CHOICE_KEYS, "a choice")
                value = self.get(item, cpath, "value", (str, int, bool), required=True)
                if value is None:
                    continue
                label = self.get(item, cpath, "label", str, default=str(value))
                choice = Choice(value, label, self.get(item, cpath, "next", str))
            else:
                hint = " (quote it: 'yes', 'no')" if isinstance(item, bool) else ""
                self.problem(
                    cpath, f"a choice must be text or a mapping, not {_describe(item)}{hint}"
                )
                continue
            if choice.value in seen:
                self.problem(cpath, f"duplicate choice value {choice.value!r}")
            seen.add(choice.value)
            out.append(choice)
        return tuple(out)

    def validation(
        self, raw: Any, path: P, kind: str, scale: tuple[int, int] | None = None
    ) -> Validation:
        if raw is None:
            return Validation()
        if not isinstance(raw, dict):
            self.problem(path, "'validate' must be a mapping")
            return Validation()
        self.keys(raw, path, tuple(VALIDATE_KEYS), "'validate'")
        for key in raw:
            if key in VALIDATE_KEYS and kind not in VALIDATE_KEYS[key]:
                self.problem((*path, key), f"{key!r} does not apply to a {kind} question", key=True)
        numeric = ("min_length", "max_length", "min_choices", "max_choices", "min", "max")
        ints = {k: self.get(raw, path, k, int) for k in (*numeric, "max_days_ahead")}
        for key in ("min_length", "max_length", "min_choices", "max_choices", "max_days_ahead"):
            if ints[key] is not None and ints[key] < 0:
                self.problem((*path, key), f"{key!r} must not be negative")
        for lo, hi in (
            ("min_length", "max_length"),
            ("min_choices", "max_choices"),
            ("min", "max"),
        ):
            if ints[lo] is not None and ints[hi] is not None and ints[lo] > ints[hi]:
                self.problem((*path, lo), f"{lo!r} is above {hi!r}")
        if kind == "scale" and scale is not None:
            for key in ("min", "max"):
                value = ints[key]
                if value is not None and not scale[0] <= value <= scale[1]:
                    self.problem(
                        (*path, key), f"{key!r} {value} is outside the scale {scale[0]}..{scale[1]}"
                    )
        pattern = self.get(raw, path, "pattern", str)
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.problem((*path, "pattern"), f"bad regular expression: {exc}")
                pattern = None
        return Validation(
            min_length=ints["min_length"],
            max_length=ints["max_length"],
            pattern=pattern,
            min_choices=ints["min_choices"],
            max_choices=ints["max_choices"],
            min=ints["min"],
            max=ints["max"],
            not_past=bool(self.get(raw, path, "not_past", bool, default=False)),
            max_days_ahead=ints["max_days_ahead"],
            message=self.get(raw, path, "message", str),
        )

    def node(self, raw: Any, path: P, sections: set[str]) -> Node | None:
        if not isinstance(raw, dict):
            self.problem(path, f"a node must be a mapping, not {_describe(raw)}")
            return None
        self.where = f"nodes[{path[-1]}]"
        node_id = self.get(raw, path, "id", str, required=True)
        self.where = str(node_id) if node_id else self.where
        if node_id is not None and not NODE_ID.match(node_id):
            self.problem((*path, "id"), "a node id uses a-z, 0-9 and _, starting with a letter")
        self.keys(raw, path, NODE_KEYS, "a node")
        kind = self.get(raw, path, "kind", str, required=True)
        if kind is not None and kind not in KINDS:
            hint = difflib.get_close_matches(kind, KINDS, n=1)
            self.problem(
                (*path, "kind"),
                f"unknown kind {kind!r}"
                + (f"; did you mean {hint[0]!r}?" if hint else f" (kinds: {', '.join(KINDS)})"),
            )
            kind = None
        section = self.get(raw, path, "section", str, required=True)
        if section is not None and section not in sections:
            self.problem((*path, "section"), f"unknown section {section!r}")
        prompt = self.text(raw, path, "prompt", required=True)
        help_text = self.text(raw, path, "help")
        if not node_id or not kind:
            return None
        per_kind = {"choices": ("choice", "multi"), "min": ("scale",), "max": ("scale",)}
        per_kind |= {"labels": ("scale",)}
        if kind == "note":
            per_kind |= {k: () for k in ("required", "default", "validate")}
        for key, kinds in per_kind.items():
            if key in raw and kind not in kinds:
                self.problem((*path, key), f"{key!r} does not apply to a {kind} node", key=True)
        choices = (
            self.choices(raw.get("choices"), (*path, "choices"))
            if kind
            in (
                "choice",
                "multi",
            )
            else ()
        )
        for i, c in enumerate(choices):
            if c.next and kind == "multi":
                self.problem((*path, "choices", i), "only single-choice answers can branch")
        lo = self.get(raw, path, "min", int, default=1, required=kind == "scale")
        hi = self.get(raw, path, "max", int, default=5, required=kind == "scale")
        if kind == "scale" and lo >= hi:
            self.problem((*path, "min"), "'min' must be below 'max'")
        labels = (
            self.labels(raw.get("labels"), (*path, "labels"), lo, hi) if kind == "scale" else {}
        )
        node = Node(
            id=node_id,
            section=section or "",
            kind=kind,
            prompt=prompt,
            help=help_text,
            required=bool(self.get(raw, path, "required", bool, default=True)),
            default=raw.get("default"),
            validate=self.validation(raw.get("validate"), (*path, "validate"), kind, (lo, hi)),
            choices=choices,
            min=lo,
            max=hi,
            labels=labels,
            rules=self.rules(raw.get("next"), (*path, "next")),
        )
        if node.default is not None:
            self.check_default(node, (*path, "default"))
        return node

    def labels(self, raw: Any, path: P, lo: int, hi: int) -> dict[int, str]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem(
                path, "'labels' must map scale points to words, like {1: calm, 5: furious}"
            )
            return {}
        out: dict[int, str] = {}
        for key, value in raw.items():
            if isinstance(key, bool) or not isinstance(key, int) or not lo <= key <= hi:
                self.problem(
                    (*path, key), f"label key {key!r} is not a point from {lo} to {hi}", key=True
                )
            elif not isinstance(value, str):
                self.problem((*path, key), "a label must be text")
            else:
                out[key] = value
        return out

    def check_default(self, node: Node, path: P) -> None:
        value = node.default
        kind = node.kind
        ok: bool
        if kind in ("text", "longtext", "date"):
            ok = isinstance(value, str)
            if ok:
                self.template(path, value)
            if ok and kind == "date" and "{" not in value:
                from calmcli.clock import dates

                try:
                    dates.parse_when(value, dates.local_now())
                except BadInput as exc:
                    self.problem(path, f"default is not a date expression: {exc.message}")
                    return
        elif kind == "yesno":
            ok = isinstance(value, bool)
        elif kind == "scale":
            ok = isinstance(value, int) and not isinstance(value, bool)
            if ok and not node.min <= value <= node.max:
                self.problem(path, f"default {value} is outside {node.min}..{node.max}")
        elif kind == "choice":
            ok = node.choice(value) is not None
            if not ok:
                self.problem(path, f"default {value!r} is not one of the choices' values")
                return
        elif kind == "multi":
            ok = isinstance(value, list) and all(node.choice(v) is not None for v in value)
            if not ok:
                self.problem(path, "default must be a list of the choices' values")
                return
        else:
            ok = True
        if not ok:
            self.problem(path, f"default {_describe(value)} does not fit a {kind} question")

    # -- plan and tree -------------------------------------------------------------------------

    def plan_lines(self, raw: Any, path: P) -> tuple[PlanLine, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(path, "must be a list of lines")
            return ()
        out: list[PlanLine] = []
        for i, item in enumerate(raw):
            lpath = (*path, i)
            if isinstance(item, str):
                self.template(lpath, item)
                out.append(PlanLine(item))
            elif isinstance(item, dict):
                self.keys(item, lpath, ("if", "say"), "a plan line")
                say = self.text(item, lpath, "say", required=True)
                cond = self.condition(item["if"], (*lpath, "if")) if "if" in item else None
                out.append(PlanLine(say, cond))
            else:
                self.problem(lpath, "a plan line is text, or a mapping with 'say' and 'if'")
        return tuple(out)

    def plan(self, raw: Any) -> Plan:
        self.where = "plan"
        path: P = ("plan",)
        if raw is None:
            return Plan()
        if not isinstance(raw, dict):
            self.problem(path, "'plan' must be a mapping")
            return Plan()
        self.keys(raw, path, PLAN_KEYS, "'plan'")
        texts = {k: self.text(raw, path, k) for k in PLAN_TEXT_KEYS if k in raw}
        options: list[PlanOption] = []
        raw_options = raw.get("options") or []
        if not isinstance(raw_options, list):
            self.problem((*path, "options"), "'options' must be a list")
            raw_options = []
        for i, item in enumerate(raw_options):
            opath = (*path, "options", i)
            if not isinstance(item, dict):
                self.problem(opath, "an option is {option, feasibility, cost, speed}")
                continue
            self.keys(item, opath, OPTION_KEYS, "a plan option")
            ids = [self.get(item, opath, k, str, required=True) for k in OPTION_KEYS]
            if all(ids):
                options.append(PlanOption(*ids))
        return Plan(
            texts=texts,
            facts=self.plan_lines(raw.get("facts"), (*path, "facts")),
            questions=self.plan_lines(raw.get("questions"), (*path, "questions")),
            options=tuple(options),
            followup=self.get(raw, path, "followup", str),
        )

    def tree(self, source: str, builtin: bool) -> Tree | None:
        data = self.doc.data
        if data is None:
            raise BadInput(f"{source}: the file is empty; a tree starts with 'format: 1'")
        if not isinstance(data, dict):
            raise BadInput(
                f"{source}:1:1: the top level must be a mapping (format, id, title, ...), "
                f"not {_describe(data)}"
            )
        self.keys(data, (), TOP_KEYS, "the tree")
        fmt = data.get("format")
        if "format" not in data:
            self.problem((), "missing 'format': start the file with 'format: 1'")
        elif type(fmt) is not int or fmt != 1:
            self.problem(("format",), f"'format' must be 1 (this calm reads format 1), not {fmt!r}")
        tree_id = self.get(data, (), "id", str, required=True)
        if tree_id is not None and not TREE_ID.match(tree_id):
            self.problem(("id",), "a tree id uses a-z, 0-9, - and _")
        title = self.get(data, (), "title", str, required=True)
        if title is not None and not title.strip():
            self.problem(("title",), "'title' must not be empty")
        version = self.get(data, (), "version", (int, str), required=True)
        sections: list[Section] = []
        raw_sections = self.get(data, (), "sections", list, required=True) or []
        for i, item in enumerate(raw_sections):
            spath: P = ("sections", i)
            if not isinstance(item, dict):
                self.problem(spath, "a section is a mapping with 'id' and 'title'")
                continue
            self.keys(item, spath, SECTION_KEYS, "a section")
            sid = self.get(item, spath, "id", str, required=True)
            stitle = self.get(item, spath, "title", str, required=True)
            if sid and any(s.id == sid for s in sections):
                self.problem(spath, f"duplicate section id {sid!r}")
            elif sid:
                sections.append(
                    Section(
                        sid, stitle or sid, self.get(item, spath, "description", str, default="")
                    )
                )
        section_ids = {s.id for s in sections}
        nodes: dict[str, Node] = {}
        raw_nodes = self.get(data, (), "nodes", list, required=True) or []
        if "nodes" in data and not raw_nodes and isinstance(data["nodes"], list):
            self.problem(("nodes",), "a tree needs at least one node")
        for i, item in enumerate(raw_nodes):
            node = self.node(item, ("nodes", i), section_ids)
            if node is None:
                continue
            if node.id in nodes:
                self.problem(("nodes", i, "id"), f"duplicate node id {node.id!r}")
                continue
            if node.id == END:
                self.problem(("nodes", i, "id"), "'end' is reserved for finishing the interview")
            nodes[node.id] = node
            self.node_paths[node.id] = ("nodes", i)
        plan = self.plan(data.get("plan"))
        self.where = "tree"
        start = self.get(data, (), "start", str) or (next(iter(nodes)) if nodes else "")
        if not (tree_id and title and version is not None and nodes):
            return None
        return Tree(
            id=tree_id,
            title=title,
            version=version,
            sections=tuple(sections),
            nodes=nodes,
            start=start,
            description=self.get(data, (), "description", str, default=""),
            plan=plan,
            source=source,
            builtin=builtin,
        )


_TYPE_WORDS: dict[type, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"the text {str(value)[:40]!r}"


def read_tree(doc: yamlsafe.Document, *, builtin: bool = False) -> tuple[Tree | None, _Reader]:
    """Build the tree (None if too broken to check further) and the reader holding its problems."""
    reader = _Reader(doc)
    for path, line, col, message in doc.duplicates:
        where = "tree"
        if len(path) >= 2 and path[0] == "nodes":
            node = doc.data["nodes"][path[1]]
            where = str(node.get("id")) if isinstance(node, dict) and node.get("id") else where
        elif path:
            where = str(path[0])
        reader.problems.append(Problem(line, col, where, message, doc.source))
    return reader.tree(doc.source, builtin), reader


def load_tree_text(text: str, source: str, *, builtin: bool = False) -> Tree:
    """Parse and fully check a tree from text; raise TreeInvalid listing every problem."""
    from calmcli.tree.check import check_document

    return check_document(
        yamlsafe.parse_text(text, source, collect_duplicates=True), builtin=builtin
    )


def load_tree_file(path: Path, *, builtin: bool = False) -> Tree:
    """Read, parse and fully check a tree file; raise BadInput/TreeInvalid on any problem."""
    from calmcli.tree.check import check_document

    return check_document(
        yamlsafe.read_file(path, what="a tree", collect_duplicates=True), builtin=builtin
    )
