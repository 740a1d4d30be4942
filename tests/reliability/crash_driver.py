"""A calm writer that is killed with SIGKILL at random moments by `test_crash.py`.

Run as a script with CALM_HOME and CALM_CACHE set:

- `python crash_driver.py run CYCLE SEED` imports calmcli, prints `READY`, then writes until it
  is killed.
- `python crash_driver.py zygote` imports calmcli once, then for each `GO CYCLE SEED` line on
  stdin forks a child that writes until it is killed, printing `PID <pid>` for it and, once it
  is gone, `REAPED <pid> <status>`. Forking from a warm interpreter makes a kill cycle take
  milliseconds instead of the 0.2 s an import costs, so hundreds of kills fit in a normal run.

The writer loops over three kinds of write, the ones calm makes:

- `new`: a case through `save.create` (case file, Markdown plan, reminder .ics);
- `update`: `save.update` on an existing case (under its lock; case, then reminder);
- `draft`: `drafts.save_draft` of a growing interview draft.

After each write has returned it prints one line, in one `write` call so lines never tear:
`DONE new <case-id> <token>`, `DONE update <case-id> <token> <history-length>` or
`DONE draft <draft-id> <answers-saved>`. Every token is unique (`<cycle>.<k>`).
"""

from __future__ import annotations

import os
import random
import signal
import sys
from datetime import timedelta

from calmcli.casebook import save
from calmcli.clock import dates
from calmcli.domain.case import Case
from calmcli.errors import BadInput
from calmcli.files import paths
from calmcli.store import drafts
from calmcli.tree import registry

TREE = registry.resolve("default")
BASE = dates.from_iso("2026-12-01T09:00:00+00:00")


def warm_up() -> None:
    """Import and exercise what the writes use lazily, so a forked writer starts writing at once."""
    import fcntl  # noqa: F401  (the case-book lock imports it inside)

    from calmcli.domain import plan, reminders

    plan.build_plan(TREE, answers("0.0", dates.to_iso(BASE + timedelta(days=2))), BASE)
    reminders.build_reminder(
        case_id="warm", customer="x", job="y", phone="", planned="", due=BASE, now=BASE
    )


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())


def answers(token: str, due: str) -> dict[str, object]:
    return {
        "customer_name": f"Crash {token}",
        "customer_phone": "07700 900123",
        "job": f"Job {token}",
        "feelings": {"frustrated": 4},
        "cause": f"it happened {token}",
        "what_happened": f"Happened {token}",
        "wants": ["redo"],
        "wants_words": "grey grout like the sample",
        "option_1": f"Option {token}",
        "option_ratings": {"option_1": {"ease": 3, "cost": 4, "speed": 2}},
        "followup_at": due,
    }


def existing_cases() -> list[str]:
    try:
        return sorted(p.stem for p in paths.cases_dir().glob("[!.]*.yaml"))
    except OSError:
        return []


def write_forever(cycle: int, seed: int) -> None:
    rng = random.Random(seed)
    draft = drafts.Draft(
        id=f"crash-{cycle}", tree_ref="default", tree_id="default", started=BASE, updated=BASE
    )
    k = 0
    while True:
        k += 1
        token = f"{cycle}.{k}"
        due = BASE + timedelta(days=1 + rng.randrange(300), minutes=rng.randrange(600))
        cases = existing_cases()
        op = rng.choices(("new", "update", "draft"), weights=(3, 5, 2))[0]
        if op == "update" and not cases:
            op = "new"
        if op == "new":
            saved = save.create(TREE, answers(token, dates.to_iso(due)), BASE)
            say(f"DONE new {saved.case.id} {token}")
        elif op == "update":
            case_id = rng.choice(cases)

            def change(case: Case, token: str = token, due: object = due) -> None:
                case.followup_due = due  # type: ignore[assignment]
                case.add_event("crash", BASE, token=token)

            try:
                updated = save.update(case_id, change)
            except BadInput as exc:  # a torn case file: the test reports it, keep writing
                say(f"BROKEN {exc.message.splitlines()[0]}")
                continue
            say(f"DONE update {case_id} {token} {len(updated.history)}")
        else:
            draft.answers[f"a{k}"] = token
            draft.updated = BASE + timedelta(seconds=k)
            drafts.save_draft(draft)
            say(f"DONE draft {draft.id} {len(draft.answers)}")


def zygote() -> None:
    warm_up()
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] != "GO":
            break
        cycle, seed = int(parts[1]), int(parts[2])
        pid = os.fork()
        if pid == 0:  # the child: write until killed
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            try:
                write_forever(cycle, seed)
            except BaseException:
                import traceback

                traceback.print_exc()
                os._exit(3)
            os._exit(0)
        say(f"PID {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"REAPED {pid} {status}")


def main() -> None:
    if sys.argv[1:2] == ["zygote"]:
        zygote()
    elif sys.argv[1:2] == ["run"]:
        warm_up()
        say("READY")
        write_forever(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit("usage: crash_driver.py zygote | run CYCLE SEED")


if __name__ == "__main__":
    main()
