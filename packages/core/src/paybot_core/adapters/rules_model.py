"""The default language model: the understanding pipeline. Deterministic, offline, microseconds per turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..conversation.understanding import UnderstandingContext, Understood


class RulesLanguageModel:
    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        # The pipeline (its lexicons and patterns) loads on the first free-text turn: a session's
        # first answer and the phone's keypad steps never read one.
        from ..understanding import understand

        return understand(text, context)

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        return draft
