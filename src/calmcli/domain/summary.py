"""A case in one line: what listings, the due list and the patterns need, without its answers.

A named tuple, not a dataclass: the `calm followup --check` fast path builds these from the index
and cannot afford to import dataclasses.
"""

from __future__ import annotations

from typing import NamedTuple


class CaseSummary(NamedTuple):
    """One case as the index keeps it. Times are ISO text ("" when unset)."""

    id: str
    customer: str
    phone: str
    job: str
    status: str
    due: str
    created: str
    offer: str
    """The top option of the call plan: what calm suggested offering."""
    agreed: str
    """The option agreed on the call (`calm log`), or "" before that."""
    tree: str
    file: str = ""
    wants: str = ""
    root_cause: str = ""
    lesson: str = ""
    closed: str = ""
    satisfaction: str = ""
    items: str = ""
    """The open promised items with a due time, as JSON: [[n, kind, what, due], ...]."""
    owner: str = ""
    """Whose case it is ("" for nobody's)."""
    revision: int = 0
    """The case file's revision: every write raises it (see `store.index` on restored copies)."""

    @property
    def planned(self) -> str:
        """What comes next, in words: the agreed option, else the one to offer."""
        if self.agreed:
            return f"Agreed: {self.agreed}"
        return f"Offer: {self.offer}" if self.offer else ""

    def listed(self) -> str:
        """The case as `calm list --json` gives it: a JSON object of `LISTED` ("" as null).
        Made when the index stores the row, so a listing passes it on as it is."""
        from json import JSONEncoder

        return JSONEncoder(ensure_ascii=False).encode({f: getattr(self, f) or None for f in LISTED})

    @classmethod
    def from_values(cls, values: tuple[object, ...] | list[object]) -> CaseSummary:
        """From stored values, whatever their types: text, and a whole-number revision."""
        *texts, revision = values
        if isinstance(revision, int) and set(map(type, texts)) == {str}:
            return cls._make(values)  # what calm wrote: as it is
        text = ["" if v is None else str(v) for v in texts]
        return cls._make([*text, revision if isinstance(revision, int) else 0])


FIELDS = CaseSummary._fields
LISTED = ("id", "customer", "phone", "job", "status", "due", "created", "planned", "tree", "owner")
"""The fields of a case in `calm list --json`, in order."""


def customer_key(name: str) -> str:
    """A customer's name for matching: Unicode-normalised (NFKC, so composed and decomposed
    accents agree), case-folded, spaces collapsed."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
