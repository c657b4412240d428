"""Message catalogues, one plain module per locale (`en.py`, `es.py`).

Plain modules rather than gettext: no compile step and no runtime dependency in the Lambda zips,
keys that say where a sentence is used, and a test that checks every locale has every key with the
same `{fields}`. A linguist edits the strings; the code never holds a sentence.
"""

from __future__ import annotations

import re
from functools import cache

from ..money import Locale
from . import en, es

CATALOGUES: dict[Locale, dict[str, str]] = {Locale.EN: en.MESSAGES, Locale.ES: es.MESSAGES}


def message(locale: Locale, key: str, *, speech: bool = False, **fields: object) -> str:
    """The sentence `key` in `locale` (its "@speech" wording for a voice, when there is one)."""
    catalogue = CATALOGUES[locale]
    template = catalogue.get(f"{key}@speech") if speech else None
    if template is None:
        template = catalogue[key]
    if not fields:
        return template
    # A value that ends a sentence of its own ("Chris P.", "Dr.") before the template's full stop
    # would print two: "Thanks, Chris P.." reads as a typo.
    for name in _before_full_stop(template):
        value = fields.get(name)
        if isinstance(value, str) and value.endswith("."):
            fields[name] = value[:-1]
    return template.format(**fields)


_FIELD_BEFORE_FULL_STOP = re.compile(r"\{(\w+)\}\.")


@cache
def _before_full_stop(template: str) -> tuple[str, ...]:
    """The fields a template writes right before a full stop ("Thanks, {name}."), found once per
    template (the catalogues' sentences are few and fixed)."""
    return tuple(_FIELD_BEFORE_FULL_STOP.findall(template))
