"""The knowledge tools: explain a segment, plan a campaign, answer a question.

They combine the engine's figures for a segment with passages of the knowledge
base (tools/knowledge), and return the cited sources with the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.engine.definitions import Condition, Lifecycle, RfmSegment
from tools.engine.describe import describe
from tools.engine.errors import EngineError
from tools.engine.profiles import profile
from tools.knowledge.answers import answer_question as answer_from
from tools.knowledge.answers import explain_segment as explain
from tools.knowledge.campaigns import campaign_plan
from tools.knowledge.segment_facts import segment_reading
from tools.tool_result import ToolResult
from tools.tool_specs import AnswerQuestionArgs, ExplainSegmentArgs, SuggestCampaignArgs

if TYPE_CHECKING:
    from tools.toolkit import Toolkit


def explain_segment(ctx: Toolkit, args: ExplainSegmentArgs) -> ToolResult:
    facts = segment_facts(ctx, args.name)
    answer = explain(ctx.require_knowledge(), facts, lang=ctx.language)
    return ToolResult("explain_segment", True, answer.to_dict(), message=answer.to_markdown())


def suggest_campaign(ctx: Toolkit, args: SuggestCampaignArgs) -> ToolResult:
    facts = segment_facts(ctx, args.name)
    plan = campaign_plan(ctx.require_knowledge(), facts, str(facts["name"]), lang=ctx.language)
    summary = plan.to_dict()
    return ToolResult("suggest_campaign", True, summary, message=summary["markdown"])


def answer_question(ctx: Toolkit, args: AnswerQuestionArgs) -> ToolResult:
    answer = answer_from(ctx.require_knowledge(), args.question)
    return ToolResult("answer_question", True, answer.to_dict(), message=answer.to_markdown())


def segment_facts(ctx: Toolkit, name: str | None) -> dict[str, Any]:
    """What the engine knows about a segment, for explanations and campaign plans."""
    mask, label = ctx.segment_mask(name)
    facts: dict[str, Any] = {"name": label, **profile(ctx.data, mask).to_dict(),
                             **segment_reading(ctx.data, mask)}
    condition = (ctx.state.condition if label in ("current segment", ctx.state.name)
                 else _condition_or_none(ctx, label))
    if condition is not None:
        # "Explain them" about an RFM segment or a stage: its own knowledge applies.
        named = (condition.segments if isinstance(condition, RfmSegment) else
                 condition.stages if isinstance(condition, Lifecycle) else [])
        if len(named) == 1:
            facts["name"] = named[0]
        # In the request's language: the plan's title and audience quote it.
        said = describe(condition, ctx.data, language=ctx.language)
        if len(named) != 1 and label == "current segment":
            facts["name"] = said
        facts["description"] = said
        facts["kind"] = {"rfm_segment": "rfm", "lifecycle": "lifecycle",
                         "segment": "saved"}.get(condition.type, "custom")
    return facts


def _condition_or_none(ctx: Toolkit, name: str) -> Condition | None:
    try:
        return ctx.condition_for_name(name)
    except EngineError:
        return None
