"""Hostile tree files: each is refused quickly with one BadInput naming the file, never a crash.

`calm tree check` and `calm new --tree FILE` read files users download or are sent, so a tree must
never run code, exhaust memory or time, or fail with anything but a message saying what is wrong.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmcli.errors import BadInput
from calmcli.files.yamlsafe import MAX_BYTES
from calmcli.tree import registry
from calmcli.tree.loader import TreeInvalid, load_tree_text
from calmcli.tree.model import Tree

LIMIT_SECONDS = 2.0


def refuse(path: Path) -> str:
    """Load `path`, expecting one plain BadInput within the time limit; return its message."""
    start = time.perf_counter()
    with pytest.raises(BadInput) as info:
        registry.load_path(path)
    elapsed = time.perf_counter() - start
    exc = info.value
    assert elapsed < LIMIT_SECONDS, f"took {elapsed:.2f}s"
    assert type(exc) is BadInput, "a refusal is one message, not a list of tree problems"
    assert exc.exit_code == 2
    assert exc.details == []
    assert exc.message.startswith(str(path)), exc.message
    return exc.message


def write(tmp_path: Path, data: bytes, name: str = "tree.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def alias_bomb() -> bytes:
    """Billion laughs: 9 levels of 10 aliases each, 10**9 strings if expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghij"
    for prev, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    return ("\n".join(lines) + "\n").encode()


# name -> (file content, check on the message after the "<path>" prefix)
Check = Callable[[str], bool]
HOSTILE: dict[str, tuple[bytes, Check]] = {
    "empty": (b"", lambda m: m == ": the file is empty; a tree starts with 'format: 1'"),
    "whitespace-only": (
        b"   \n\n      \n",
        lambda m: m == ": the file is empty; a tree starts with 'format: 1'",
    ),
    "comments-only": (
        b"# format: 1\n# id: x\n",
        lambda m: m == ": the file is empty; a tree starts with 'format: 1'",
    ),
    "top-level-list": (
        b"- format: 1\n- id: x\n",
        lambda m: m == ":1:1: the top level must be a mapping (format, id, title, ...), not a list",
    ),
    "top-level-scalar": (
        b"hello\n",
        lambda m: (
            m == ":1:1: the top level must be a mapping (format, id, title, ...), "
            "not the text 'hello'"
        ),
    ),
    "top-level-number": (
        b"42\n",
        lambda m: (
            m == ":1:1: the top level must be a mapping (format, id, title, ...), not the number 42"
        ),
    ),
    "yaml-syntax-error": (
        b"format: 1\nid: base\n  title: x\n",
        lambda m: m == ":3:8: YAML syntax error: mapping values are not allowed here",
    ),
    "yaml-unclosed-quote": (
        b'format: 1\ntitle: "never closed\n',
        lambda m: m.startswith(":3:1: YAML syntax error: "),
    ),
    "alias-bomb": (
        alias_bomb(),
        lambda m: m.startswith(":") and "too many values" in m and "alias" in m,
    ),
    "python-name-tag": (
        b"format: 1\nid: !!python/name:os.system\n",
        lambda m: m == ":2:5: the tag tag:yaml.org,2002:python/name:os.system is not allowed",
    ),
    "custom-tag": (
        b"format: 1\nid: !foo bar\n",
        lambda m: m == ":2:5: the tag !foo is not allowed",
    ),
    "custom-tag-on-mapping": (
        b"!foo {format: 1}\n",
        lambda m: m == ":1:1: the tag !foo is not allowed",
    ),
    "set-tag": (
        b"x: !!set {a, b}\n",
        lambda m: m == ":1:4: the tag tag:yaml.org,2002:set is not allowed",
    ),
    "flow-nesting-5000": (
        b"[" * 5000 + b"]" * 5000,
        lambda m: m == ": nested too deeply to read",
    ),
    "flow-mapping-nesting-5000": (
        b"x: " + b"{a: " * 5000 + b"}" * 5000,
        lambda m: "nested" in m and "deep" in m,
    ),
    "block-nesting-5000": (
        b"- " * 5000 + b"x\n",
        lambda m: "nested" in m and "deep" in m,
    ),
    "flow-nesting-150": (
        b"[" * 150 + b"]" * 150,
        lambda m: m == ":1:102: nested deeper than 100 levels",
    ),
    "block-mapping-nesting-150": (
        "".join(" " * i + "a:\n" for i in range(150)).encode(),
        lambda m: m == ":102:102: nested deeper than 100 levels",
    ),
    "invalid-utf8": (
        b"format: 1\nid: ab\xffcd\n",
        lambda m: m == ":2:7: not UTF-8 text (byte 0xff); is this a binary file?",
    ),
    "latin-1": (
        "format: 1\ntitle: caf\xe9\n".encode("latin-1"),
        lambda m: m == ":2:11: not UTF-8 text (byte 0xe9); is this a binary file?",
    ),
    "binary": (
        random.Random(20240601).randbytes(4096) + b"\x00\x01\x02",
        lambda m: m.startswith(":") and "binary file" in m,
    ),
    "nul-in-utf8-text": (
        b"format: 1\nid: a\x00b\n",
        lambda m: m == ":2: contains NUL bytes; is this a binary file?",
    ),
    "merge-key": (
        b"base: &b {help: x}\nnode:\n  <<: *b\n",
        lambda m: m == ":3:3: merge keys (<<) are not supported",
    ),
    "complex-key": (
        b"? [a, b]\n: c\n",
        lambda m: m == ":1:3: a key must be a plain word or number",
    ),
    "null-key": (b"~: x\n", lambda m: m == ":1:1: a key must be a plain word or number"),
    "huge-integer": (b"format: " + b"9" * 5000 + b"\n", lambda m: m.startswith(":1:9: bad value")),
    "over-1-MiB": (
        b"# " + b"x" * MAX_BYTES + b"\n",
        lambda m: m == f": too big ({MAX_BYTES + 3:,} bytes; a tree is at most 1 MiB)",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused(name: str, tmp_path: Path) -> None:
    data, check = HOSTILE[name]
    path = write(tmp_path, data)
    message = refuse(path)
    rest = message[len(str(path)) :]
    assert check(rest), message


def test_python_object_apply_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = Path.cwd()
    monkeypatch.chdir(tmp_path)
    pwned = tmp_path / "PWNED"
    for i, data in enumerate(
        [
            b'!!python/object/apply:os.system ["touch PWNED"]\n',
            b'format: 1\nid: !!python/object/apply:os.system ["touch PWNED"]\n',
            b'format: 1\nid: !!python/object/new:os.system ["touch PWNED"]\n',
        ]
    ):
        path = write(tmp_path, data, f"evil{i}.yaml")
        message = refuse(path)
        assert "python/object" in message and "is not allowed" in message
    assert not pwned.exists()
    assert not (before / "PWNED").exists()


def test_exactly_1_mib_is_still_read(tmp_path: Path) -> None:
    body = b"# " + b"x" * (MAX_BYTES - 3) + b"\n"
    assert len(body) == MAX_BYTES
    message = refuse(write(tmp_path, body))
    assert "too big" not in message
    assert message.endswith("the file is empty; a tree starts with 'format: 1'")


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "trees.yaml"
    folder.mkdir()
    assert refuse(folder) == f"{folder}: is a directory, not a tree"


def test_missing_path_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert refuse(missing) == f"{missing}: no such file"


def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    assert refuse(a).startswith(f"{a}: cannot read: ")


def test_endless_device_is_refused() -> None:
    zero = Path("/dev/zero")
    if not zero.exists():
        pytest.skip("no /dev/zero")
    assert refuse(zero) == "/dev/zero: not a regular file, so not a tree"


def test_syntax_error_from_text_names_the_line() -> None:
    with pytest.raises(BadInput) as info:
        load_tree_text("format: 1\nid: base\n  title: x\n", "t.yaml")
    assert info.value.message == (
        "t.yaml:3:8: YAML syntax error: mapping values are not allowed here"
    )


def test_second_document_message_says_what_is_wrong(tmp_path: Path) -> None:
    message = refuse(write(tmp_path, b"format: 1\n---\nid: x\n"))
    assert "single document" in message


def test_invalid_utf8_column_counts_characters(tmp_path: Path) -> None:
    path = write(tmp_path, "x: é".encode() + b"\xff\n")
    assert refuse(path).startswith(f"{path}:1:5: ")


def test_whitespace_with_tab_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, b"  \n\t\n \n")
    assert refuse(path).endswith("the file is empty; a tree starts with 'format: 1'")


# -- fuzzing: whatever the input, a Tree or a BadInput ----------------------------------------

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TREE_WORDS = [
    "format",
    "id",
    "title",
    "version",
    "sections",
    "nodes",
    "plan",
    "start",
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
    "goto",
    "if",
    "answer",
    "equals",
    "in",
    "includes",
    "at_least",
    "at_most",
    "answered",
    "all",
    "any",
    "not",
    "value",
    "label",
    "options",
    "followup",
    "facts",
    "questions",
    "say",
    "option",
    "feasibility",
    "cost",
    "speed",
    "pattern",
    "message",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 7),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            *TREE_WORDS,
            "note",
            "text",
            "choice",
            "multi",
            "scale",
            "date",
            "end",
            "{id}",
            "{",
            "}}",
            "[a-",
            "1",
        ]
    ),
)
keys = st.one_of(st.sampled_from(TREE_WORDS), st.text(max_size=6), st.integers(0, 6))
yamlish = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)

VALID = {
    "format": 1,
    "id": "fuzz",
    "title": "Fuzz",
    "version": 1,
    "sections": [{"id": "s", "title": "S"}],
    "nodes": [
        {"id": "a", "section": "s", "kind": "text", "prompt": "A?"},
        {
            "id": "b",
            "section": "s",
            "kind": "scale",
            "prompt": "{a}?",
            "min": 1,
            "max": 5,
            "next": [{"if": {"answer": "b", "at_least": 3}, "goto": "c"}, {"goto": "end"}],
        },
        {
            "id": "c",
            "section": "s",
            "kind": "choice",
            "prompt": "C?",
            "choices": ["x", {"value": "y", "label": "Y", "next": "d"}],
        },
        {"id": "d", "section": "s", "kind": "date", "prompt": "When?"},
    ],
    "plan": {
        "customer": "{a}",
        "followup": "d",
        "options": [{"option": "a", "feasibility": "b", "cost": "b", "speed": "b"}],
    },
}


def outcome(load: Callable[[], Tree], source: str) -> None:
    """`load()` returns a Tree or raises a BadInput that names `source`; nothing else."""
    try:
        tree = load()
    except TreeInvalid as exc:
        assert exc.problems
        assert exc.message.startswith(f"{source}: ")
        assert all(d.startswith(f"{source}:") for d in exc.details)
    except BadInput as exc:
        assert exc.message.startswith(source)
    else:
        assert isinstance(tree, Tree)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(st.binary(max_size=2048))
def test_any_bytes_from_a_file(fuzz_dir: Path, data: bytes) -> None:
    path = fuzz_dir / "bytes.yaml"
    path.write_bytes(data)
    outcome(lambda: registry.load_path(path), str(path))


@FUZZ
@given(st.text(max_size=2048))
def test_any_text(text: str) -> None:
    outcome(lambda: load_tree_text(text, "fuzz.yaml"), "fuzz.yaml")


@FUZZ
@given(yamlish)
def test_any_yaml_data(fuzz_dir: Path, data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    outcome(lambda: load_tree_text(text, "fuzz.yaml"), "fuzz.yaml")
    path = fuzz_dir / "data.yaml"
    path.write_text(text, encoding="utf-8")
    outcome(lambda: registry.load_path(path), str(path))


def test_fuzz_base_tree_is_valid() -> None:
    assert isinstance(load_tree_text(yaml.safe_dump(VALID), "fuzz.yaml"), Tree)


@FUZZ
@given(yamlish, st.data())
def test_valid_tree_with_one_part_replaced(junk: Any, data: st.DataObject) -> None:
    """Drop random data somewhere inside a valid tree, to reach the deeper checks."""
    tree: Any = yaml.safe_load(yaml.safe_dump(VALID))
    holder = tree
    for _ in range(data.draw(st.integers(0, 4))):
        children = list(holder.items()) if isinstance(holder, dict) else list(enumerate(holder))
        children = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not children:
            break
        _, holder = data.draw(st.sampled_from(children))
    if isinstance(holder, dict):
        holder[data.draw(keys)] = junk
    else:
        holder[data.draw(st.integers(0, len(holder) - 1))] = junk
    text = yaml.safe_dump(tree, allow_unicode=True)
    outcome(lambda: load_tree_text(text, "fuzz.yaml"), "fuzz.yaml")


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    """A named pipe where a tree should be: opening it for reading would wait for a writer."""
    fifo = tmp_path / "tree.yaml"
    os.mkfifo(fifo)
    started = time.perf_counter()
    with pytest.raises(BadInput) as info:
        registry.load_path(fifo)
    assert time.perf_counter() - started < 2.0
    assert info.value.message == f"{fifo}: not a regular file, so not a tree"
