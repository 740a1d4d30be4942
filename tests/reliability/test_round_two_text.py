"""Round two, injection and unsafe reads (issue items 6-9): customer text that tries to steer the
terminal, Rich markup in answers and history, derived files that point elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from calmcli.store import cases as store
from casefactory import make_case, reminder_file

from .helpers import calm_env, record, run_calm

SECTION = "round two"

HOSTILE_NAMES = {
    "clear screen and retitle": "Dana\x1b[2J\x1b]0;pwned\x07 Fox",
    "OSC 8 link": "\x1b]8;;file:///etc/passwd\x07Dana\x1b]8;;\x07 Fox",
    "right-to-left override": "Dana \u202exoF\u202c",
    "isolate": "Dana \u2066Fox\u2069",
    "Rich markup": "[link=file:///etc/passwd]Dana[/link] [/] Fox",
    "bell and backspace": "Dana\x07\x08\x08 Fox",
}
STEERING = ("\x1b", "\x07", "\x08", "\u202e", "\u202c", "\u2066", "\u2069", "\x9b")


def steering(text: str) -> list[str]:
    return [repr(ch) for ch in STEERING if ch in text]


@pytest.mark.parametrize("kind", list(HOSTILE_NAMES))
def test_06_customer_text_never_steers_the_terminal(kind: str) -> None:
    name = HOSTILE_NAMES[kind]
    case = make_case(name, created="2026-11-20T09:00", due="2026-11-30T09:00")
    env = calm_env(COLUMNS="120")
    commands = [
        ["log", case.id, "--option", f"Regrout for {name}", "--no-input"],
        ["followup", "snooze", case.id, "--until", "fri"],
        ["followup"],
        ["followup", "--check"],
        ["list"],
        ["show", case.id],
        ["export", case.id],
        ["followup", "done", case.id, "--feedback", name, "--satisfaction", "partly",
         "--no-input"],
        ["patterns", "--since", "all"],
    ]  # fmt: skip
    for args in commands:
        result = run_calm(args, env)
        record(SECTION, processes=1, hostile_texts=1)
        assert result.code == 0 or (args[0] == "followup" and result.code == 1), result.show()
        assert steering(result.out + result.err) == [], f"{args}: {result.show()}"
        assert "Traceback" not in result.err
    assert "Dana" in run_calm(["show", case.id], env).out


def test_07_markup_in_a_cases_history_is_shown_literally(calm_home: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    path = store.case_path(case.id)
    text = path.read_text(encoding="utf-8")
    text = text.replace("event: created", "event: '[/] [bold]created[link=file:///etc/passwd]'")
    path.write_text(text, encoding="utf-8")
    result = run_calm(["show", case.id])
    assert result.code == 0, result.show()
    assert "[/] [bold]created[link=file:///etc/passwd]" in result.out.replace("\n", "")


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero", "fifo"])
def test_08_export_never_reads_through_a_derived_file(target: str, calm_home: Path) -> None:
    case = make_case("Dana Fox", created="2026-11-20T09:00", due="2026-11-30T09:00")
    crib = calm_home / "cases" / f"{case.id}.md"
    crib.unlink(missing_ok=True)
    if target == "fifo":
        os.mkfifo(crib)
    else:
        crib.symlink_to(target)
    result = run_calm(["export", case.id, "--format", "md"], timeout=20)
    assert result.code == 0, result.show()
    assert "root:" not in result.out
    assert f"Case {case.id}" in result.out or "# Call plan" in result.out
    assert result.seconds < 10


def test_09_bidi_overrides_never_reach_the_reminder(calm_home: Path) -> None:
    case = make_case(
        "Dana \u202exoF\u202c \u2066Ltd\u2069",
        created="2026-11-20T09:00",
        due="2026-11-30T09:00",
        job="kitchen \u202egnilit\u202c",
    )
    for raw in (
        reminder_file(case).read_bytes(),
        run_calm(["export", case.id, "--format", "ics"]).out.encode(),
    ):
        text = raw.decode("utf-8")
        assert steering(text) == [], text
        assert "SUMMARY:Check in with Dana xoF Ltd: kitchen gnilit" in text.replace("\r\n ", "")
