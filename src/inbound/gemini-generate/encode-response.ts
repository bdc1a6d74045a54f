import type { ResponseContext } from '../../canonical/codecs.ts';
import type { CanonicalResponse } from '../../canonical/response.ts';
import { finishReason, outputPart, usageMetadata } from './response-fields.ts';
import type { WireGenerateContentResponse, WirePart } from './wire.ts';

export function encodeResponse(
  response: CanonicalResponse,
  context: ResponseContext,
): WireGenerateContentResponse {
  const parts: WirePart[] = response.content.map(outputPart);
  const filtered = response.stopReason === 'content_filter' || response.stopReason === 'refusal';
  // The SDK's chat history drops a turn with no parts, so an empty answer still has one.
  if (parts.length === 0 && !filtered) parts.push({ text: '' });
  return {
    candidates: [
      { content: { role: 'model', parts }, finishReason: finishReason(response.stopReason), index: 0 },
    ],
    usageMetadata: usageMetadata(response.usage),
    modelVersion: context.clientModel,
    responseId: response.id,
  };
}
