"""calm: a de-escalation guide for contractors returning an upset customer's call."""

__version__ = "0.1.0"
