"""The knowledge tools of the toolkit: explain a segment, plan a campaign, answer a question.

They combine the engine's figures for a segment with passages of the knowledge
base (tools/knowledge), and return the cited sources with the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.engine.errors import EngineError
from tools.tool_result import SegmentState, ToolResult

if TYPE_CHECKING:
    import pandas as pd

    from tools.engine.dataset import CustomerData
    from tools.engine.definitions import Condition


class KnowledgeTools:
    """Mixed into `Toolkit`; relies on its data, state and segment lookups."""

    data: CustomerData
    state: SegmentState
    knowledge: Any
    language: str

    def _segment_mask(self, name: str | None) -> tuple[pd.Series, str]:
        raise NotImplementedError

    def _condition_for_name(self, name: str) -> Condition:
        raise NotImplementedError

    def _segment_facts(self, name: str | None) -> dict[str, Any]:
        """What the engine knows about a segment, for explanations and campaign plans."""
        from tools.engine.profiles import profile
        from tools.knowledge.segment_facts import segment_reading

        mask, label = self._segment_mask(name)
        facts: dict[str, Any] = {"name": label, **profile(self.data, mask).to_dict(),
                                 **segment_reading(self.data, mask)}
        condition = (self.state.condition if label in ("current segment", self.state.name)
                     else self._condition_or_none(label))
        if condition is not None:
            from tools.engine.definitions import Lifecycle, RfmSegment
            from tools.engine.describe import describe

            # "Explain them" about an RFM segment or a stage: its own knowledge applies.
            named = (condition.segments if isinstance(condition, RfmSegment) else
                     condition.stages if isinstance(condition, Lifecycle) else [])
            if len(named) == 1:
                facts["name"] = named[0]
            # In the request's language: the plan's title and audience quote it.
            said = describe(condition, self.data, language=self.language)
            if len(named) != 1 and label == "current segment":
                facts["name"] = said
            facts["description"] = said
            facts["kind"] = {"rfm_segment": "rfm", "lifecycle": "lifecycle",
                             "segment": "saved"}.get(condition.type, "custom")
        return facts

    def _condition_or_none(self, name: str) -> Condition | None:
        try:
            return self._condition_for_name(name)
        except EngineError:
            return None

    def _require_knowledge(self) -> Any:
        if self.knowledge is None:
            raise EngineError("The knowledge base is not open in this session.")
        return self.knowledge

    def _tool_explain_segment(self, name: str | None) -> ToolResult:
        from tools.knowledge.answers import explain_segment

        facts = self._segment_facts(name)
        answer = explain_segment(self._require_knowledge(), facts, lang=self.language)
        return _result("explain_segment", True, answer.to_dict(),
                          message=answer.to_markdown())

    def _tool_suggest_campaign(self, name: str | None) -> ToolResult:
        from tools.knowledge.campaigns import campaign_plan

        facts = self._segment_facts(name)
        plan = campaign_plan(self._require_knowledge(), facts, str(facts["name"]),
                             lang=self.language)
        summary = plan.to_dict()
        return _result("suggest_campaign", True, summary, message=summary["markdown"])

    def _tool_answer_question(self, question: str) -> ToolResult:
        from tools.knowledge.answers import answer_question

        answer = answer_question(self._require_knowledge(), question)
        return _result("answer_question", True, answer.to_dict(),
                          message=answer.to_markdown())



def _result(tool: str, ok: bool, summary: dict[str, Any], message: str) -> ToolResult:
    return ToolResult(tool, ok, summary, message=message)
