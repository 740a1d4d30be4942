"""Small trees shared by the loader and CLI tests: a valid base to break, and one that branches
every way the format allows."""

import textwrap

BASE = textwrap.dedent(
    """\
    format: 1
    id: base
    title: Base tree
    version: 1
    sections:
      - {id: intro, title: Intro}
      - {id: main, title: Main}
    nodes:
      - id: hello
        section: intro
        kind: note
        prompt: Breathe.
      - id: name
        section: main
        kind: text
        prompt: Name?
      - id: mood
        section: main
        kind: choice
        prompt: How is {name}?
        choices:
          - {value: calm, label: calm}
          - {value: angry, label: angry}
      - id: level
        section: main
        kind: scale
        prompt: How strongly?
        min: 1
        max: 5
      - id: wants
        section: main
        kind: multi
        prompt: What do they want?
        choices: [repair, refund]
      - id: when
        section: main
        kind: date
        prompt: When?
    plan:
      customer: "{name}"
      followup: when
    """
)

BRANCHY = textwrap.dedent(
    """\
    format: 1
    id: branchy
    title: Branching
    version: "1.2"
    sections:
      - {id: s, title: S}
    nodes:
      - id: pick
        section: s
        kind: choice
        prompt: Pick one
        choices:
          - {value: a, label: A, next: after_a}
          - {value: b, label: B}
          - {value: c, label: C}
        next:
          - if: {answer: pick, in: [a, b]}
            goto: after_b
          - goto: level
      - id: after_a
        section: s
        kind: text
        prompt: Why A?
        next: level
      - id: after_b
        section: s
        kind: text
        prompt: Why B?
      - id: level
        section: s
        kind: scale
        prompt: How much?
        min: 1
        max: 5
        next:
          - if: {answer: level, at_least: 4}
            goto: high
          - if: {answer: level, at_least: 2}
            goto: mid
          - goto: end
      - id: high
        section: s
        kind: yesno
        prompt: Really high?
        next: end
      - id: mid
        section: s
        kind: text
        prompt: In the middle?
      - id: last
        section: s
        kind: text
        prompt: Last one?
    """
)
