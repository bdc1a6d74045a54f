import type { ReasoningConfig } from '../../../canonical/request.ts';
import { GatewayError } from '../../../core/errors.ts';

/** Every Claude model takes at least this many output tokens (Claude 3 Haiku and Opus stop there). */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

/**
 * Budgets for an effort level, from Claude Code's own tiers ("think" 4,000, "think hard"
 * 10,000, "ultrathink" 31,999); `minimal` is Anthropic's floor.
 */
const BUDGET_BY_EFFORT: Readonly<Record<NonNullable<ReasoningConfig['effort']>, number>> = {
  minimal: MIN_THINKING_BUDGET,
  low: 4000,
  medium: 10000,
  high: 31999,
};

/** The output cap of the Claude 4 Opus models, the lowest among models that think. */
const THINKING_MAX_TOKENS_CAP = 32000;

/**
 * The thinking budget the request asks for, if any. An explicit budget wins over an effort;
 * 0 turns thinking off (Gemini's thinkingBudget 0); a negative budget (Gemini's "dynamic")
 * or a bare `includeThoughts` reads as medium effort.
 */
export function requestedBudget(reasoning: ReasoningConfig | undefined): number | undefined {
  if (!reasoning) return undefined;
  const { budgetTokens, effort } = reasoning;
  if (budgetTokens !== undefined && budgetTokens >= 0) {
    return budgetTokens === 0 ? undefined : Math.max(MIN_THINKING_BUDGET, Math.floor(budgetTokens));
  }
  if (effort) return BUDGET_BY_EFFORT[effort];
  return budgetTokens !== undefined || reasoning.includeThoughts ? BUDGET_BY_EFFORT.medium : undefined;
}

/**
 * max_tokens and the budget that fits under it: Anthropic counts thinking inside max_tokens
 * and wants the budget strictly below it. Without a client max_tokens, room is made for
 * the budget plus an answer, capped where the smallest thinking model stops.
 */
export function fitBudget(
  maxTokens: number | undefined,
  budget: number | undefined,
): { maxTokens: number; budget: number | undefined } {
  if (budget === undefined) return { maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS, budget };
  if (maxTokens === undefined) {
    const room = Math.max(
      DEFAULT_MAX_TOKENS,
      Math.min(budget + DEFAULT_MAX_TOKENS, THINKING_MAX_TOKENS_CAP),
      budget + 1,
    );
    return { maxTokens: room, budget };
  }
  if (maxTokens > budget) return { maxTokens, budget };
  if (maxTokens - 1 >= MIN_THINKING_BUDGET) return { maxTokens, budget: maxTokens - 1 };
  throw new GatewayError(
    'invalid_request',
    `max_tokens: ${maxTokens} leaves no room for thinking; Anthropic needs max_tokens above a thinking budget of at least ${MIN_THINKING_BUDGET}`,
    { param: 'max_tokens' },
  );
}
