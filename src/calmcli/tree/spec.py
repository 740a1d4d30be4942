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
    Line,
    NodeId,
    NodeRef,
    Spec,
    Template,
    TreeId,
    Words,
    doc,
)

AnyNode = (
    NoteNode | TextNode | LongTextNode | ChoiceNode | MultiNode | YesNoNode | ScaleNode | DateNode
)


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
    """An option to rank, with the ids of its text and of its three ratings."""

    noun: ClassVar[str] = "a plan option"
    wrong: ClassVar[str] = "an option is {{option, feasibility, cost, speed}}"
    fits: ClassVar[dict[str, tuple[type[Node], ...]]] = {
        "option": (TextNode, LongTextNode, ChoiceNode),
        "feasibility": (ScaleNode,),
        "cost": (ScaleNode,),
        "speed": (ScaleNode,),
    }
    """Which kinds of node each field may name."""

    option: Annotated[NodeId, doc("The id of the text, longtext or choice node with the option.")]
    feasibility: Annotated[
        NodeId, doc("The id of the scale node rating feasibility (higher = easier to do).")
    ]
    cost: Annotated[NodeId, doc("The id of the scale node rating cost (higher = costs you more).")]
    speed: Annotated[
        NodeId, doc("The id of the scale node rating speed (higher = faster for the customer).")
    ]


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
        doc("The options to rank, each with three ratings; ranked by feasibility + speed - cost."),
    ] = []
    open_question: Annotated[Template | None, doc("An open question to ask the customer.")] = None
    ask: Annotated[Template | None, doc("The proposal to put to the customer.")] = None
    escalate: Annotated[Template | None, doc("When and to whom to hand over.")] = None
    extra: Annotated[Template | None, doc("Anything else to add.")] = None
    followup: Annotated[NodeId | None, doc("The id of the date node that sets the check-in.")] = (
        None
    )

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
    )

    def text(self, key: str) -> str | None:
        """One of the plan's single texts (`TEXTS`), as written in the tree."""
        value: str | None = getattr(self, key)
        return value

    def lines(self, key: str) -> tuple[Say, ...]:
        """The `facts` or `questions` lines, a plain line as a Say without a condition."""
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
