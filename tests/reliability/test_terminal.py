"""Terminal edge cases: output piped, NO_COLOR, a 40-column terminal, no terminal at all.

- piped: no ANSI escapes in stdout and no prompts, even with a colour TERM and commands that
  would ask on a terminal (`followup done`, `log` without options); nothing waits for input;
- NO_COLOR=1 on a real (pseudo-)terminal: no colour codes; without it there are some;
- COLUMNS=40 (and a 40-column pseudo-terminal): the call plan still renders, nothing crashes,
  no line is wider than 40 characters;
- `calm new` without a terminal on stdin: exit 2 with the --answers/--no-input hint, at once.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from calmcli.domain.case import Case
from calmcli.store import cases as store
from casefactory import make_case
from treeanswers import default_answers

from .helpers import ANSI, Result, calm_env, calm_exe, check_clean, record, run_calm, run_many

SECTION = "terminal"
PROMPT = re.compile(r"^\s*\? ", re.MULTILINE)  # how questionary draws a question
SGR = re.compile(r"\x1b\[([0-9;:]*)m")

ANSWERS = default_answers(
    situation=["help"],
    escalate_to="the tiler who did the job",
    escalate_when="the grout cracks again",
)


@pytest.fixture
def cases(calm_home: Path) -> list[Case]:
    return [
        make_case(
            "Dana Whitfield",
            created="2026-11-20T09:00",
            due="2026-11-30T09:00",
            job="Bathroom retile with a very long description, 14 Elm Road, Upper Town",
        ),
        make_case(
            "Sam Oduya-Fitzgerald-Baptiste", created="2026-11-25T09:00", due="2026-12-01T15:00"
        ),
        make_case("Kim Lo", created="2026-11-26T09:00", due="2026-12-08T09:00"),
    ]


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(ANSWERS), encoding="utf-8")
    return path


def colour_env(**extra: str) -> dict[str, str]:
    """As a user with a colour terminal would run it: no NO_COLOR, a 256-colour TERM."""
    env = calm_env(TERM="xterm-256color", **extra)
    env.pop("NO_COLOR")
    return env


def run_stdin_open(args: list[str], env: dict[str, str], tmp_path: Path, timeout: float) -> Result:
    """Run calm with a pipe on stdin that is never written to nor closed (a stuck script)."""
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    start = time.perf_counter()
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen(
            [str(calm_exe()), *args], env=env, stdin=subprocess.PIPE, stdout=o, stderr=e
        )
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = -999
        finally:
            assert proc.stdin is not None
            proc.stdin.close()
    return Result(
        args,
        code,
        out.read_text(errors="replace"),
        err.read_text(errors="replace"),
        time.perf_counter() - start,
    )


# -- piped -------------------------------------------------------------------------------------


def test_piped_output_has_no_escapes_and_no_prompts(
    cases: list[Case], answers: Path, tmp_path: Path
) -> None:
    env = colour_env()
    first, second = cases[0].id, cases[1].id
    commands = [
        ["list"],
        ["show", first],
        ["followup"],
        ["followup", "--all"],
        ["tree", "show", "default"],
        ["tree", "list"],
        ["export", first, "--format", "md"],
        ["patterns", "--since", "all"],
        ["new", "--tree", "default", "--answers", str(answers), "--no-input"],
        ["followup", "done", first],
        ["log", second],
        ["--help"],
    ]
    results = run_many([(args, {"env": env, "input": "y\n"}) for args in commands])
    for res in results:
        check_clean(res, SECTION)
        assert res.code == 0, res.show()
        assert not ANSI.search(res.out), f"escape in stdout\n{res.show()}"
        assert not PROMPT.search(res.out + res.err), f"a prompt was shown\n{res.show()}"
    record(SECTION, piped_commands=len(commands))
    done = store.load_case(store.case_path(first))
    assert done.checkins[-1]["reached"] is True  # the piped default, not a prompt's answer
    assert store.load_case(store.case_path(second)).history[-1]["event"] == "logged"


def test_nothing_waits_for_input_when_stdin_is_a_pipe(cases: list[Case], tmp_path: Path) -> None:
    env = colour_env()
    for args in (["followup", "done", cases[2].id], ["log", cases[1].id]):
        res = run_stdin_open(args, env, tmp_path, timeout=15)
        check_clean(res, SECTION)
        assert res.code == 0, f"hung or failed with stdin open\n{res.show()}"


# -- NO_COLOR on a terminal --------------------------------------------------------------------


def pty_output(args: list[str], env: dict[str, str], cols: int = 120) -> tuple[int, str]:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        str(calm_exe()),
        args,
        env=env,
        dimensions=(50, cols),
        encoding="utf-8",
        codec_errors="replace",
        timeout=20,
    )
    raw = child.read()
    child.close()
    record(SECTION, processes=1)
    status = child.exitstatus if child.exitstatus is not None else 128 + child.signalstatus
    return status, raw


def colours(raw: str) -> list[str]:
    """The colour parameters (30-49, 90-107, 38;5;n ...) in the SGR sequences of `raw`."""
    found = []
    for params in SGR.findall(raw):
        for p in re.split("[;:]", params):
            if p.isdigit() and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                found.append(params)
    return found


@pytest.mark.e2e
def test_no_color_on_a_terminal(cases: list[Case]) -> None:
    env = colour_env()
    env.pop("COLUMNS")  # the terminal's own width
    plain = {**env, "NO_COLOR": "1"}
    with_colour = []
    for args in (["followup", "--all"], ["show", cases[0].id]):
        code, raw = pty_output(args, plain)
        assert code == 0 and "Traceback" not in raw, raw[-2000:]
        assert colours(raw) == [], f"colour with NO_COLOR=1 in {args}: {colours(raw)[:5]}"
        code, raw = pty_output(args, env)
        assert code == 0
        with_colour += colours(raw)
    assert with_colour, "no colour even without NO_COLOR: the check above proves nothing"


# -- narrow ------------------------------------------------------------------------------------


def too_wide(text: str, width: int = 40) -> list[str]:
    return [line for line in text.splitlines() if len(line) > width]


def test_forty_columns(cases: list[Case], answers: Path, calm_home: Path) -> None:
    env = calm_env(COLUMNS="40")
    commands = [
        ["new", "--tree", "default", "--answers", str(answers), "--no-input"],
        ["show", cases[0].id],
        ["list"],
        ["followup", "--all"],
        ["followup"],
        ["tree", "show", "default"],
        ["tree", "list"],
        ["patterns", "--since", "all"],
    ]
    results = run_many([(args, {"env": env}) for args in commands])
    for res in results:
        check_clean(res, SECTION)
        assert res.code == 0, res.show()
    new, show = results[0], results[1]
    # The call plan is a panel: from its top edge to its bottom edge, every line fits.
    panel = new.out[new.out.index("╭") : new.out.index("╰")]
    assert "Call plan: Dana Whitfield" in panel and "Offer" in panel and "Follow up" in panel
    assert too_wide(panel) == [], too_wide(panel)
    # After it calm prints the saved paths and a hint unwrapped on purpose (soft wrap, so a
    # path can be copied whole); everything else fits in 40 columns.
    after = new.out[new.out.index("╰") :].splitlines()[1:]
    unwrapped = [line for line in after if len(line) > 40]
    assert all(
        str(calm_home) in line or line.startswith("Import the reminder") for line in unwrapped
    )
    record(SECTION, narrow_commands=len(commands), soft_wrapped_lines=len(unwrapped))
    for res in results[1:]:
        assert too_wide(res.out) == [], f"wider than 40:\n{res.show()}"
    assert "Call plan" in show.out


@pytest.mark.e2e
def test_forty_column_pseudo_terminal(cases: list[Case]) -> None:
    env = calm_env(TERM="xterm", PAGER="cat")  # the output itself, not a pager's screen
    env.pop("COLUMNS")  # Rich asks the terminal: 40 columns
    for args in (["show", cases[0].id], ["followup", "--all"]):
        code, raw = pty_output(args, env, cols=40)
        text = ANSI.sub("", re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)).replace("\r", "")
        assert code == 0 and "Traceback" not in text, text[-2000:]
        assert too_wide(text) == [], too_wide(text)


# -- no terminal -------------------------------------------------------------------------------


def test_new_without_a_terminal_refuses_at_once(calm_home: Path, tmp_path: Path) -> None:
    env = calm_env()
    results = [run_stdin_open(["new"], env, tmp_path, timeout=15)]
    results += run_many(
        [
            (["new", "--tree", "default"], {"env": env}),
            (["new", "--resume"], {"env": env, "input": "\n"}),
        ]
    )
    for res in results:
        check_clean(res, SECTION)
        assert res.code == 2, f"expected exit 2 at once\n{res.show()}"
        assert "--answers" in res.err and "--no-input" in res.err, res.show()
        assert res.seconds < 10
    assert not (calm_home / "drafts").exists() and not (calm_home / "cases").exists()


@pytest.mark.e2e
def test_new_on_a_terminal_with_stdout_piped_refuses(calm_home: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    env = calm_env(TERM="xterm")
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", f"'{calm_exe()}' new --tree default | cat"],
        env=env,
        encoding="utf-8",
        timeout=15,
    )
    raw = child.read()
    child.close()
    record(SECTION, processes=1)
    assert "--answers" in raw and "--no-input" in raw, raw
    assert "Traceback" not in raw
    assert not (calm_home / "drafts").exists()


def test_review_without_a_terminal_refuses(cases: list[Case]) -> None:
    res = run_calm(["review", cases[0].id], calm_env())
    check_clean(res, SECTION)
    assert res.code == 2 and "--no-input" in res.err, res.show()
