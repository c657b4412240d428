"""The default language model: the understanding pipeline. Deterministic, offline, microseconds per turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..conversation.understanding import UnderstandingContext, Understood


class RulesLanguageModel:
    _pipeline: Callable[[str, UnderstandingContext], Understood] | None = None

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        if self._pipeline is None:
            # The pipeline (its lexicons and patterns) loads on the first free-text turn: a session's
            # first answer and the phone's keypad steps never read one. Kept, so later turns do not
            # run the import statement again (a package's `from ... import` is Python code each time).
            from ..understanding import understand

            self._pipeline = understand
        return self._pipeline(text, context)

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        return draft
