"""What text the site accepts: no control characters, which no one types and PostgreSQL refuses.

A NUL byte cannot be stored in a PostgreSQL text column at all (the query fails), and the
other C0 and C1 control characters only hide text or garble it. Multi-line text keeps its
tabs and line breaks.
"""

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """True if the text holds a control character (tab, LF and CR pass in multi-line text)."""
    pattern = _CONTROL_EXCEPT_LAYOUT if multiline else _CONTROL
    return pattern.search(text) is not None
