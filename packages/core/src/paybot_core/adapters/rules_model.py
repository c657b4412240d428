"""The default language model: the understanding pipeline. Deterministic, offline, microseconds per turn."""

from __future__ import annotations

from ..conversation.understanding import UnderstandingContext, Understood
from ..understanding import understand


class RulesLanguageModel:
    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        return understand(text, context)

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        return draft
