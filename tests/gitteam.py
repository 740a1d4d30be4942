"""A team sharing a case book through real git: a bare remote and clones in a temp folder.

Each clone is a machine: its own CALM_HOME, cache and personal settings (its person's name),
and a git with no global or system settings (a fresh machine). calm runs in-process, so the
suite stays quick; git and calm's merge driver run as the real programs.
"""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner, Result

from calmcli.cli.app import app
from calmcli.domain.merging import entry_key

START = datetime.fromisoformat("2026-11-18T09:00:00+00:00")


def git_env(root: Path) -> dict[str, str]:
    """git as on a fresh machine: no system settings, and no identity of its own (not even
    one guessed from the user and host names)."""
    config = root / "gitconfig"
    if not config.exists():
        config.write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    full = {**os.environ, **(env or {}), "LC_ALL": "C"}
    result = subprocess.run(
        ["git", "-C", str(cwd), *args], capture_output=True, text=True, env=full, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stderr}")
    return result.stdout


@dataclass
class Clone:
    """One machine of the team."""

    name: str
    person: str
    root: Path
    clock: list[datetime]
    env: dict[str, str] = field(default_factory=dict)
    made: Counter[str] = field(default_factory=Counter)
    """Every history entry this machine's commands added (by content), to count losses."""

    @property
    def home(self) -> Path:
        return self.root / self.name / "home"

    @property
    def cases(self) -> Path:
        return self.home / "cases"

    def calm(self, *args: str, ok: bool = True, tick: bool = True) -> Result:
        """Run calm here, the clock a minute on; `ok`: it must succeed."""
        if tick:
            self.clock[0] += timedelta(minutes=1)
        base = {
            "CALM_HOME": str(self.home),
            "CALM_CACHE": str(self.root / self.name / "cache"),
            "CALM_CONFIG": str(self.root / self.name / "config.toml"),
            "CALM_NOW": self.clock[0].isoformat(),
            **git_env(self.root),
        }
        base.update(self.env)
        before = self.histories()
        result = CliRunner().invoke(app, list(args), env=base)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
        assert "Traceback" not in result.output
        if ok:
            assert result.exit_code == 0, f"{self.name}: calm {' '.join(args)}\n{result.output}"
        if args and args[0] != "sync":
            after = self.histories()
            for case_id, entries in after.items():
                old = Counter(entry_key(e) for e in before.get(case_id, []))
                new = Counter(entry_key(e) for e in entries)
                self.made.update(new - old)
        return result

    def histories(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        if not self.cases.is_dir():
            return out
        for path in self.cases.glob("*.yaml"):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, OSError):
                continue
            if isinstance(data, dict) and isinstance(data.get("history"), list):
                out[path.stem] = data["history"]
        return out

    def case(self, case_id: str) -> dict[str, Any]:
        data = yaml.safe_load((self.cases / f"{case_id}.yaml").read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        return data

    def git(self, *args: str, check: bool = True) -> str:
        return git(self.home, *args, env=git_env(self.root), check=check)

    def files(self) -> dict[str, str]:
        """Every case file here: name -> text."""
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(self.cases.glob("*.yaml"))}


@dataclass
class Team:
    root: Path
    remote: Path
    clones: dict[str, Clone]

    def __getitem__(self, name: str) -> Clone:
        return self.clones[name]


ANSWERS = """\
customer_name: {name}
customer_phone: "07700 900{n:03d}"
job: {job}
feelings: {{frustrated: 4}}
cause: the grout has cracked
what_happened: The grout cracked.
wants: [repair]
wants_words: clean grout
option_1: Regrout the edge
option_ratings:
  option_1: {{ease: 5, cost: 2, speed: 4}}
followup_at: "+3d"
"""


def new_case(clone: Clone, name: str, n: int, job: str = "Bathroom") -> str:
    """`calm new` for a customer on this machine; the new case's id."""
    answers = clone.root / f"answers-{clone.name}-{n}.yaml"
    answers.write_text(ANSWERS.format(name=name, n=n, job=job), encoding="utf-8")
    before = set(clone.cases.glob("*.yaml")) if clone.cases.is_dir() else set()
    clone.calm("new", "--tree", "default", "--answers", str(answers), "--no-input")
    [made] = set(clone.cases.glob("*.yaml")) - before
    return made.stem


def make_team(root: Path, people: dict[str, str], *, init: bool = True) -> Team:
    """A bare remote and one clone per person (named, each with `calm config set name`)."""
    remote = root / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True,
                   env={**os.environ, **git_env(root)})  # fmt: skip
    clock = [START]
    clones = {}
    for name, person in people.items():
        clone = Clone(name, person, root, clock)
        (root / name).mkdir()
        clone.calm("config", "set", "name", person)
        clones[name] = clone
    team = Team(root, remote, clones)
    if init:
        for clone in clones.values():
            clone.calm("sync", "init", str(remote))
    return team


def markers(clone: Clone) -> list[str]:
    """Case files here holding conflict markers."""
    return [
        name
        for name, text in clone.files().items()
        if any(line.startswith(("<<<<<<<", ">>>>>>>", "=======")) for line in text.splitlines())
    ]
