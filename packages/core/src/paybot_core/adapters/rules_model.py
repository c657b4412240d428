"""The default language model: the rules parser. Deterministic, offline, microseconds per turn."""

from __future__ import annotations

from ..conversation.parse import understand_text
from ..conversation.understanding import UnderstandingContext, Understood


class RulesLanguageModel:
    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        return understand_text(text, context)

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        return draft
