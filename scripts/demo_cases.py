#!/usr/bin/env python3
"""Build a varied, synthetic set of cases to try `calm patterns`, `calm list` and `calm show` on.

Every case goes through calm's own code: the interview engine checks the answers against the
built-in trees (default, quality, delay, billing), `casebook.save.create` writes the case, its
call plan and its reminder, `casebook.save.update` records what was agreed and the check-ins
(about half the cases end closed, with a satisfaction), and reviews are checked against the
review tree and stored the way `calm review` stores them. Created dates spread over the last
four months (relative to now, or to $CALM_NOW); a few customers call more than once, spelt
differently each time; one root cause (communication) comes back clearly, with three different
lessons, while the others stay at two at most.

    .venv/bin/python scripts/demo_cases.py --home /tmp/calm-demo
    CALM_HOME=/tmp/calm-demo calm patterns

The same --seed gives the same cases (relative to the day it is run).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import Counter
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

SPAN_DAYS = 120
TREES = {"default": 35, "quality": 25, "delay": 25, "billing": 15}
SATISFACTION = {"satisfied": 60, "partly": 25, "not": 15}

FIRST = (
    "Alice", "Ben", "Chloe", "Dan", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kate",
    "Liam", "Maya", "Noah", "Olivia", "Owen", "Poppy", "Ravi", "Sara", "Tom", "Uma", "Victor",
)  # fmt: skip
LAST = (
    "Morgan", "Carter", "Evans", "Hughes", "Price", "Walsh", "Kelly", "Lewis", "Wood", "Turner",
    "Hall", "Ward", "Green", "Baker", "Hill", "Scott", "King", "Patel", "Ahmed", "Fisher",
)  # fmt: skip
REPEATERS = (  # the same person each time, typed a little differently
    ("Priya Shah", "priya shah", "PRIYA  Shah"),
    ("Mr. Tom O'Neill", "mr. tom o'neill"),
    ("Jo Baxter", "Jo  Baxter", "jo baxter"),
    ("Sam Wright", "SAM WRIGHT"),
)

JOBS = {
    "default": ("kitchen refit", "loft conversion", "fence panels", "garden room"),
    "quality": ("bathroom tiling", "plastering, living room", "composite decking", "shower tray"),
    "delay": ("rear extension", "roof repair", "block-paved driveway", "window fitting"),
    "billing": ("boiler service", "full rewire", "garden wall", "radiator swap"),
}
HAPPENED = {
    "default": (
        "The cupboard doors don't line up and one drawer catches.",
        "Rubbish was left in the front garden after the job.",
        "The finished job doesn't look like what we talked about.",
    ),
    "quality": (
        "The grout is patchy and one tile has a hairline crack.",
        "There are bumps in the plaster you can see when the light is low.",
        "Two deck boards have lifted after the rain.",
    ),
    "delay": (
        "We said three weeks; it's now five and nobody called them.",
        "The crew didn't turn up on Monday and there was no message.",
        "The windows arrived late and the old ones are boarded up.",
    ),
    "billing": (
        "The invoice is higher than the quote and the extras weren't agreed.",
        "They were charged twice for the same callout.",
        "The invoice lists parts they say were never fitted.",
    ),
}
OPTIONS = {
    "default": "Come back this week and put it right at no cost",
    "quality": "Redo the affected area with the site lead present",
    "delay": "Give a firm finish date in writing and a daily text update",
    "billing": "Go through the invoice line by line and correct it",
}
FEELINGS = ("frustrated", "angry", "disappointed", "worried", "let_down")

# Root causes a review can give, by situation, besides communication (which fits any).
CAUSES = {
    "default": ("expectations", "workmanship", "other"),
    "quality": ("workmanship", "materials"),
    "delay": ("schedule", "third_party", "materials"),
    "billing": ("pricing", "expectations"),
}
COMMUNICATION_LESSONS = (
    "Send a written summary of what we agreed after every site visit.",
    "Text the customer the same day when the plan changes, even if it's bad news.",
    "Put what we agreed (dates, finishes, extras) in writing before we start.",
)
LESSONS = {
    "expectations": "Show photos of a finished job like theirs before quoting.",
    "workmanship": "Check the work with the customer before the crew leaves.",
    "materials": "Inspect deliveries on arrival, not on the day we fit them.",
    "schedule": "Leave a day of slack in every schedule longer than a week.",
    "third_party": "Get the supplier's date in writing before giving ours.",
    "pricing": "Itemise every quote and get extras signed off first.",
    "other": "Write down what went wrong the same day, while it's fresh.",
}
OTHERS_AT_MOST = 2  # so only communication is heard three times or more
FEEDBACK = {
    "satisfied": ("Happy with it now, thanks.", "All sorted, cheers for coming back."),
    "partly": ("Better, but it took too long.", "It's fine, I suppose."),
    "not": ("Still not right.", "I won't be using you again."),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="the CALM_HOME to fill")
    parser.add_argument("--cases", type=int, default=60, help="how many cases (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    return args


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def working_time(rng: random.Random, day: datetime) -> datetime:
    """A time between 08:00 and 17:45 on `day` (the Friday before, at a weekend), in its zone."""
    from calmcli.clock import dates

    weekday = day.date() - timedelta(days=max(0, day.weekday() - 4))
    wall = datetime.combine(weekday, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))
    return dates.from_iso(wall.isoformat())


def later(rng: random.Random, start: datetime, days: int) -> datetime:
    """A working time `days` after `start`, and always after it."""
    t = working_time(rng, start + timedelta(days=days))
    return t if t > start else start + timedelta(hours=1)


def customers(rng: random.Random, n: int) -> list[str]:
    """`n` names: mostly one-off customers, plus the repeaters' spellings mixed in."""
    names = [spelling for group in REPEATERS for spelling in group][: max(0, n // 4)]
    pool = [f"{first} {last}" for first in FIRST for last in LAST]  # 440 different people
    rng.shuffle(pool)
    names += pool[: max(0, n - len(names))]
    while len(names) < n:  # more cases than people: some call again
        names.append(rng.choice(pool))
    rng.shuffle(names)
    return names[:n]


def case_answers(rng: random.Random, tree: Any, customer: str) -> dict[str, Any]:
    """Raw answers for `tree`; the interview engine checks them (unused ids are ignored)."""
    tid = tree.id
    wants = [str(c.value) for c in tree.node("wants").choices if c.value != "other"]
    answers: dict[str, Any] = {
        "customer_name": customer,
        "customer_phone": f"07700 900{rng.randint(100, 999)}",
        "job": rng.choice(JOBS[tid]),
        "feelings": {rng.choice(FEELINGS): rng.randint(2, 5)},
        "cause": rng.choice(HAPPENED[tid]).rstrip("."),
        "what_happened": rng.choice(HAPPENED[tid]),
        "wants": [rng.choice(wants)],
        "wants_words": "it looks and works the way we agreed at the start",
        "option_1": OPTIONS[tid],
        "option_ratings": {
            "option_1": {
                "ease": rng.randint(3, 5),
                "cost": rng.randint(1, 4),
                "speed": rng.randint(2, 5),
            }
        },
        # quality
        "photos": rng.random() < 0.6,
        # delay
        "original_date": "the end of last month",
        "delay_cause": rng.choice(("weather", "materials", "subcontractor", "our_scheduling")),
        # billing
        "quoted_amount": "£2,400",
        "invoiced_amount": f"£{rng.randint(2500, 3400):,}",
        "disputed_items": "Skip hire and two extra days of labour.",
        "changes_in_writing": rng.random() < 0.4,
    }
    if answers["wants"] == "refund" and tid == "billing":
        answers["refund_amount"] = "£300"
    return answers


def interview(tree: Any, raw: dict[str, Any], now: datetime) -> dict[str, Any]:
    from calmcli.domain.interview import Interview, NonInteractive

    return Interview(tree, now=lambda: now, prefill=raw).run(NonInteractive())


def choose_causes(rng: random.Random, trees: list[str]) -> list[str]:
    """A root cause per review: communication for about 45% (at least 3), others at most twice."""
    k = min(len(trees), max(3, round(len(trees) * 0.45)))
    order = list(range(len(trees)))
    rng.shuffle(order)
    causes = ["communication"] * len(trees)
    used: Counter[str] = Counter()
    for i in order[k:]:
        free = [c for c in CAUSES[trees[i]] if used[c] < OTHERS_AT_MOST] or [
            c for c in LESSONS if used[c] < OTHERS_AT_MOST
        ]
        if free:
            causes[i] = rng.choice(free)
            used[causes[i]] += 1
    return causes


def build(home: Path, n: int, seed: int) -> Counter[str]:
    os.environ["CALM_HOME"] = str(home)
    from calmcli.casebook import save
    from calmcli.clock import dates
    from calmcli.domain import lifecycle
    from calmcli.tree import registry

    rng = random.Random(seed)
    now = dates.local_now()
    trees = {name: registry.resolve(name) for name in TREES}
    review_tree = registry.resolve("review")
    stats: Counter[str] = Counter()
    made: list[tuple[Any, datetime, str]] = []  # (case, closed at, tree) for the closed ones

    names = customers(rng, n)
    starts = sorted(
        working_time(rng, now - timedelta(days=rng.uniform(1, SPAN_DAYS))) for _ in range(n)
    )
    # About half end closed, older ones more often: the half with the highest age + noise.
    score = {i: (now - t).days + rng.uniform(0, 100) for i, t in enumerate(starts)}
    to_close = set(sorted(score, key=score.__getitem__, reverse=True)[: n // 2])
    for i, (customer, created) in enumerate(zip(names, starts, strict=True)):
        tid = pick(rng, TREES)
        tree = trees[tid]
        answers = interview(tree, case_answers(rng, tree, customer), created)
        case = save.create(tree, answers, created).case
        stats["cases"] += 1
        age = (now - created).days
        logged = created + timedelta(minutes=rng.randint(30, 120))

        def agree(c: Any, at: datetime = logged, tid: str = tid) -> None:
            assert c.followup_due is not None
            lifecycle.log_outcome(
                c,
                at,
                option=OPTIONS[tid],
                actions=[("Book the crew in", c.followup_due)],
                notes="",
                next_due=c.followup_due,
            )

        if logged < now:
            save.update(case.id, agree)
        closing = i in to_close
        if closing:
            took = min(rng.choice((1, 2, 2, 3, 4, 5, 7, 9, 12, 16, 24)), max(age - 1, 0))
            closed_at = later(rng, created, took)
            if closed_at >= now:
                closing = False
        if closing:
            said = pick(rng, SATISFACTION)
            if said != "satisfied" and took >= 4:  # a check-in on the way there first
                at = later(rng, created, took // 2)
                save.update(
                    case.id,
                    lambda c, at=at, due=closed_at: lifecycle.record_checkin(
                        c, at, reached=True, feedback="Getting there.", satisfaction="partly",
                        decision=lifecycle.CheckinDecision(close=False, next_due=due),
                    ),
                )  # fmt: skip
            save.update(
                case.id,
                lambda c, at=closed_at, said=said: lifecycle.record_checkin(
                    c, at, reached=True, feedback=rng.choice(FEEDBACK[said]),
                    satisfaction=said,
                    decision=lifecycle.CheckinDecision(close=True, next_due=None),
                ),
            )  # fmt: skip
            stats["closed"] += 1
            made.append((case, closed_at, tid))
        elif age > 5:  # open, called at least once, the next check-in around now
            at = later(rng, created, rng.randint(1, age - 2))
            next_due = working_time(rng, now + timedelta(days=rng.randint(-3, 6)))
            if at < now:
                save.update(
                    case.id,
                    lambda c, at=at, due=next_due: lifecycle.record_checkin(
                        c, at, reached=rng.random() < 0.8, feedback="Still waiting on us.",
                        satisfaction=rng.choice(("partly", "not")),
                        decision=lifecycle.CheckinDecision(close=False, next_due=due),
                    ),
                )  # fmt: skip

    # Reviews for about four in five closed cases, a day or two after closing.
    reviewed = [m for m in made if rng.random() < 0.8]
    causes = choose_causes(rng, [tid for _, _, tid in reviewed])
    lessons = list(COMMUNICATION_LESSONS)
    rng.shuffle(lessons)
    told = 0
    for (case, closed_at, _), cause in zip(reviewed, causes, strict=True):
        at = min(later(rng, closed_at, rng.randint(0, 2)), now)
        if cause == "communication":
            lesson = lessons[told % len(lessons)]
            told += 1
        else:
            lesson = LESSONS[cause]
        slipped = rng.choice(
            ("a message we never sent.", "a date we guessed.", "a detail nobody wrote down.")
        )
        raw = {
            "led_to": f"Looking back, the first thing that slipped was {slipped}",
            "avoidable": rng.choice(("yes", "partly", "no")),
            "root_cause": cause,
            "effective": rng.choice(("yes", "yes", "partly")),
            "went_well": "Called back the same day.",
            "change_kind": rng.choice(("process", "policy", "training")),
            "change": "Add it to the end-of-job checklist.",
            "lesson": lesson,
        }
        answers = interview(review_tree, raw, at)

        def store_review(c: Any, at: datetime = at, answers: dict[str, Any] = answers) -> None:
            lifecycle.record_review(c, at, answers)

        save.update(case.id, store_review)
        stats["reviewed"] += 1
        stats[f"cause:{cause}"] += 1
    return stats


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home: Path = args.home.expanduser().absolute()
    cases = home / "cases"
    if cases.is_dir() and any(cases.glob("*.yaml")):
        print(f"demo_cases: {cases} already has cases; pick an empty --home", file=sys.stderr)
        return 2
    stats = build(home, args.cases, args.seed)
    causes = ", ".join(
        f"{k.removeprefix('cause:')} {v}" for k, v in stats.most_common() if k.startswith("cause:")
    )
    print(
        f"Wrote {stats['cases']} case(s) ({stats['closed']} closed, {stats['reviewed']} reviewed)"
        f" to {cases}"
    )
    if causes:
        print(f"Root causes from the reviews: {causes}")
    print(f"Try:  CALM_HOME={home} calm patterns")
    print(f"      CALM_HOME={home} calm patterns --since all --json")
    print(f"      CALM_HOME={home} calm followup --all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
