import type { OutputPart, StopReason } from '../../canonical/response.ts';
import { argumentsObject } from '../../canonical/tool-arguments.ts';
import type { Usage } from '../../core/usage.ts';
import { redactedThinkingSignature } from './signatures.ts';
import type { FinishReason, WirePart, WireUsageMetadata } from './wire.ts';

export function finishReason(stopReason: StopReason): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
      return 'MAX_TOKENS';
    case 'content_filter':
    case 'refusal':
      return 'SAFETY';
    case 'error':
      return 'OTHER';
    default:
      return 'STOP';
  }
}

/** Gemini counts cached prompt tokens in the prompt, and thoughts apart from the answer. */
export function usageMetadata(usage: Usage): WireUsageMetadata {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const thoughts = Math.min(usage.reasoningTokens, usage.outputTokens);
  const candidates = usage.outputTokens - thoughts;
  const metadata: WireUsageMetadata = {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates + thoughts,
  };
  if (thoughts > 0) metadata.thoughtsTokenCount = thoughts;
  if (usage.cacheReadTokens > 0) metadata.cachedContentTokenCount = usage.cacheReadTokens;
  return metadata;
}

export function textPart(text: string, signature: string | undefined): WirePart {
  return signature === undefined ? { text } : { text, thoughtSignature: signature };
}

export function thoughtPart(text: string, signature: string | undefined): WirePart {
  return signature === undefined
    ? { text, thought: true }
    : { text, thought: true, thoughtSignature: signature };
}

export function functionCallPart(
  id: string,
  name: string,
  argumentsJson: string,
  signature: string | undefined,
): WirePart {
  const part: WirePart = { functionCall: { id, name, args: argumentsObject(argumentsJson) } };
  if (signature !== undefined) part.thoughtSignature = signature;
  return part;
}

export function outputPart(part: OutputPart): WirePart {
  switch (part.type) {
    case 'text':
      return textPart(part.text, part.signature);
    case 'thinking':
      return thoughtPart(part.text, part.signature);
    case 'redacted_thinking':
      return thoughtPart('', redactedThinkingSignature(part.data));
    case 'tool_call':
      return functionCallPart(part.id, part.name, part.arguments, part.signature);
  }
}
