"""A model as a yes/no judge of support: does this evidence sentence state what this answer sentence says?

Used by citation verification only in the grey zone of the lexical + embedding score, where paraphrase
fools the score both ways; one short call (a ~60-token prompt, one token out) per doubtful pair.
"""

from __future__ import annotations

from llama_index.core.llms import LLM, ChatMessage, MessageRole

from bot.core.answer.verify import Judge
from bot.core.prompts import render
from bot.core.settings import AnswerSettings


def model_judge(llm: LLM, settings: AnswerSettings) -> Judge:
    def judge(statement: str, evidence: str) -> bool:
        prompt = render(settings, "judge", statement=statement, evidence=evidence)
        reply = llm.chat([ChatMessage(role=MessageRole.USER, content=prompt)], max_tokens=3).message.content or ""
        return reply.strip().lower().startswith("yes")

    return judge
