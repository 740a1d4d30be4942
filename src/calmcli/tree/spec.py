"""Tree format 1 as a whole: the top level, sections and the call plan, over the node kinds.

`TreeFile` is the one definition of the format: `loader` converts YAML into it, and
`calm tree schema` prints the JSON Schema generated from it (`python -m calmcli.tree.schema`).
"""

from typing import Annotated, Any, ClassVar, Literal

from msgspec import field

from calmcli.tree.kinds import (
    ChoiceNode,
    DateNode,
    LongTextNode,
    MultiNode,
    Node,
    NoteNode,
    ScaleNode,
    TextNode,
    YesNoNode,
)
from calmcli.tree.parts import (
    MAX_NODES,
    Condition,
    Found,
    Line,
    NodeId,
    NodeRef,
    Spec,
    Template,
    TreeId,
    Words,
    doc,
)
from calmcli.tree.ratings import RatingsNode

AnyNode = (
    NoteNode
    | TextNode
    | LongTextNode
    | ChoiceNode
    | MultiNode
    | YesNoNode
    | ScaleNode
    | DateNode
    | RatingsNode
)
NODE_TYPES: tuple[type[Node], ...] = (
    NoteNode,
    TextNode,
    LongTextNode,
    ChoiceNode,
    MultiNode,
    YesNoNode,
    ScaleNode,
    DateNode,
    RatingsNode,
)
KINDS = tuple(k.kind for k in NODE_TYPES)


class Section(Spec, frozen=True, kw_only=True):
    """A section: {id, title} with an optional description."""

    noun: ClassVar[str] = "a section"
    wrong: ClassVar[str] = "a section is a mapping with 'id' and 'title'"

    id: Annotated[str, doc("The section's id; nodes name it in `section`.")]
    title: Annotated[str, doc("The section's heading.")]
    description: Annotated[str, doc("Optional text about the section.")] = ""


class Say(Spec, frozen=True, kw_only=True):
    """A line of the plan said only when its condition holds: {if, say}."""

    noun: ClassVar[str] = "a plan line"

    if_: Annotated[Condition | None, doc("Say the line only when this condition holds.")] = field(
        default=None, name="if"
    )
    say: Annotated[Template, doc("The line to say (a template).")]

    @property
    def cond(self) -> Condition | None:
        return self.if_


PlanLines = Annotated[
    list[
        Annotated[
            Template | Say,
            Words(wrong="a plan line is text, or a mapping with 'say' and 'if'"),
        ]
    ],
    doc("Lines of the plan: a template, or {if, say} to say it only when the condition holds."),
]


class PlanOption(Spec, frozen=True, kw_only=True):
    """An option to rank: the id of its text, and where its ratings are: a ratings question
    (`ratings`, its row for this option), or three scale questions (feasibility, cost, speed)."""

    noun: ClassVar[str] = "a plan option"
    wrong: ClassVar[str] = (
        "an option is {{option, ratings}} or {{option, feasibility, cost, speed}}"
    )
    schema_extra: ClassVar[dict[str, Any]] = {
        "oneOf": [
            {"required": ["option", "ratings"], "not": {"anyOf": [{"required": [k]} for k in
                ("feasibility", "cost", "speed")]}},
            {"required": ["option", "feasibility", "cost", "speed"],
             "not": {"anyOf": [{"required": ["ratings"]}, {"required": ["row"]}]}},
        ]
    }  # fmt: skip
    fits: ClassVar[dict[str, tuple[type[Node], ...]]] = {
        "option": (TextNode, LongTextNode, ChoiceNode),
        "ratings": (RatingsNode,),
        "feasibility": (ScaleNode,),
        "cost": (ScaleNode,),
        "speed": (ScaleNode,),
    }
    """Which kinds of node each field may name."""

    option: Annotated[NodeId, doc("The id of the text, longtext or choice node with the option.")]
    ratings: Annotated[
        NodeId | None,
        doc("The id of the ratings question that rates it; its scales say which end is good."),
    ] = None
    row: Annotated[
        NodeId | None, doc("The row of `ratings` for this option. Default: the option's id.")
    ] = None
    feasibility: Annotated[
        NodeId | None, doc("The id of the scale node rating feasibility (higher = easier to do).")
    ] = None
    cost: Annotated[
        NodeId | None, doc("The id of the scale node rating cost (higher = costs you more).")
    ] = None
    speed: Annotated[
        NodeId | None, doc("The id of the scale node rating speed (higher = faster for them).")
    ] = None

    @property
    def scales(self) -> tuple[str, str, str] | None:
        """(feasibility, cost, speed) when rated on three scale questions."""
        if self.feasibility and self.cost and self.speed:
            return (self.feasibility, self.cost, self.speed)
        return None

    def problems(self) -> Found:
        three = [self.feasibility, self.cost, self.speed]
        if self.ratings is not None:
            if any(x is not None for x in three):
                message = "give 'ratings', or 'feasibility', 'cost' and 'speed', not both"
                return [((), message, False)]
            return []
        if self.row is not None:
            return [(("row",), "'row' goes with 'ratings'", False)]
        if any(x is None for x in three):
            message = "an option needs 'ratings', or all of 'feasibility', 'cost' and 'speed'"
            return [((), message, False)]
        return []


class Avoid(Spec, frozen=True, kw_only=True):
    """Words for the mistakes the plan may warn against; calm picks the few that matter most for
    the call's situation and intensity."""

    noun: ClassVar[str] = "'avoid'"
    wrong: ClassVar[str] = "'avoid' must be a mapping of mistakes to words"
    KEYS: ClassVar[tuple[str, ...]] = (
        "interrupting", "assuming", "dismissing", "defensive", "blaming", "overpromising",
        "forgetting",
    )  # fmt: skip

    interrupting: Annotated[Template | None, doc("Interrupting them.")] = None
    assuming: Annotated[Template | None, doc("Assuming you know what they mean or want.")] = None
    dismissing: Annotated[Template | None, doc("Brushing the problem off.")] = None
    defensive: Annotated[Template | None, doc("Getting defensive, explaining too soon.")] = None
    blaming: Annotated[Template | None, doc("Blaming them, a supplier or the crew.")] = None
    overpromising: Annotated[Template | None, doc("Promising what you can't keep.")] = None
    forgetting: Annotated[Template | None, doc("Forgetting the follow-up.")] = None


class Plan(Spec, frozen=True, kw_only=True):
    """The wording `calm new` prints when the interview is over. Every text is a template; a line
    that comes out empty is left out."""

    noun: ClassVar[str] = "'plan'"
    wrong: ClassVar[str] = "'plan' must be a mapping"

    customer: Annotated[Template | None, doc("Who: also names the case and the reminder.")] = None
    phone: Annotated[Template | None, doc("The number to call.")] = None
    job: Annotated[Template | None, doc("Which job it is about.")] = None
    feelings: Annotated[Template | None, doc("How the customer feels.")] = None
    reflect: Annotated[Template | None, doc("A sentence reflecting their feelings back.")] = None
    facts: Annotated[PlanLines, doc("Lines of facts; a line may be conditional ({if, say}).")] = []
    wants: Annotated[Template | None, doc("What the customer wants.")] = None
    apology: Annotated[Template | None, doc("The apology to offer.")] = None
    questions: Annotated[
        PlanLines, doc("Questions still to ask; a line may be conditional ({if, say}).")
    ] = []
    options: Annotated[
        list[PlanOption],
        doc("The options to rank, each with its ratings; the best is marked as your pick."),
    ] = []
    open_question: Annotated[Template | None, doc("An open question to ask the customer.")] = None
    ask: Annotated[Template | None, doc("The proposal, when there is one option.")] = None
    choose: Annotated[
        Template | None, doc("The question that offers two or more options as a choice.")
    ] = None
    escalate: Annotated[Template | None, doc("Who to bring in, and when.")] = None
    extra: Annotated[Template | None, doc("Anything else to add.")] = None
    followup: Annotated[NodeId | None, doc("The id of the date node that sets the check-in.")] = (
        None
    )
    safety: Annotated[PlanLines, doc("Said and done first when something is unsafe now.")] = []
    ignored: Annotated[PlanLines, doc("Owned first when nobody got back to them.")] = []
    repeat: Annotated[PlanLines, doc("Owned first when it came back after a fix.")] = []
    heated: Annotated[PlanLines, doc("Reminders for the call when feelings run high (4-5).")] = []
    brief_apology: Annotated[
        Template | None, doc("The apology for a mild call (intensity 1-2), instead of `apology`.")
    ] = None
    deadline: Annotated[Template | None, doc("The date that matters to them, named.")] = None
    threat: Annotated[
        PlanLines, doc("A calm boundary when they mention a review, a solicitor or the like.")
    ] = []
    avoid: Annotated[Avoid, doc("Words for the mistakes to avoid; calm picks a few.")] = field(
        default_factory=Avoid
    )
    at_followup: Annotated[PlanLines, doc("What to ask and say at the check-in.")] = []

    TEXTS: ClassVar[tuple[str, ...]] = (
        "customer",
        "phone",
        "job",
        "feelings",
        "reflect",
        "wants",
        "apology",
        "open_question",
        "ask",
        "escalate",
        "extra",
        "choose",
        "brief_apology",
        "deadline",
    )
    LINES: ClassVar[tuple[str, ...]] = (
        "facts", "questions", "safety", "ignored", "repeat", "heated", "threat", "at_followup",
    )  # fmt: skip

    def text(self, key: str) -> str | None:
        """One of the plan's single texts (`TEXTS`), as written in the tree."""
        value: str | None = getattr(self, key)
        return value

    def lines(self, key: str) -> tuple[Say, ...]:
        """One of the `LINES` lists, a plain line as a Say without a condition."""
        items: list[str | Say] = getattr(self, key)
        return tuple(item if isinstance(item, Say) else Say(say=item) for item in items)


_FORMAT = "'format' must be 1 (this calm reads format 1), not {value}"


def _nodes_words(nodes: Any) -> str:
    if isinstance(nodes, list) and len(nodes) > MAX_NODES:
        return f"a tree has at most {MAX_NODES:,} nodes; this one has {len(nodes):,}"
    return "a tree needs at least one node"


class TreeFile(Spec, frozen=True, kw_only=True):
    """An interview tree, format 1: what its YAML file holds."""

    noun: ClassVar[str] = "the tree"

    format: Annotated[
        Literal[1],
        doc("Always 1: the version of this format."),
        Words(
            wrong=_FORMAT,
            invalid=_FORMAT,
            missing="missing 'format': start the file with 'format: 1'",
        ),
    ]
    id: Annotated[
        TreeId,
        doc(
            "The tree's name: lower case letters, digits, - and _ (`default`, `roof-leak`). "
            "`calm new --tree ID` uses it; a tree in $CALM_HOME/trees/ is named after its file."
        ),
    ]
    title: Annotated[Line, doc("One line shown in `calm tree list` and the tree picker.")]
    description: Annotated[str, doc("A few sentences: when to use this tree.")] = ""
    version: Annotated[
        int | str,
        doc('Your own version of the tree (a whole number or text such as "1.2").'),
    ]
    sections: Annotated[
        list[Section], doc("The ordered list of sections, each {id, title} (and a description).")
    ]
    start: Annotated[
        NodeRef | None, doc("The id of the first node. Default: the first node in `nodes`.")
    ] = None
    nodes: Annotated[
        list[AnyNode],
        doc("The questions and notes, in order.", min_length=1, max_length=MAX_NODES),
        Words(invalid=_nodes_words),
    ]
    plan: Annotated[Plan, doc("The call-plan wording printed when the interview is over.")] = field(
        default_factory=Plan
    )
