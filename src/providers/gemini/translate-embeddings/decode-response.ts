import type { EmbeddingRequest, EmbeddingResponse } from '../../../canonical/embeddings.ts';
import { estimateTextTokens } from '../../../canonical/estimate-tokens.ts';
import { isObject, numberOf } from '../../../canonical/wire.ts';
import { GatewayError } from '../../../core/errors.ts';

/**
 * `{embedding: {values}}` (embedContent) or `{embeddings: [{values}]}` (batchEmbedContents)
 * as one vector per input, in order. The Gemini API reports no token count for embeddings
 * (Vertex does, as `usageMetadata`; used when present), so usage is estimated from the inputs.
 * OpenAI clients get unit-length vectors, shortened ones included, and may rank by dot
 * product; Gemini normalises only its full-size output, so shortened vectors are normalised here.
 */
export function decodeEmbeddingsResponse(body: unknown, request: EmbeddingRequest): EmbeddingResponse {
  if (!isObject(body)) throw malformed('the body is not a JSON object');
  const embeddings = Array.isArray(body['embeddings'])
    ? body['embeddings']
    : isObject(body['embedding'])
      ? [body['embedding']]
      : undefined;
  if (!embeddings) throw malformed('it holds neither `embedding` nor `embeddings`');
  if (embeddings.length !== request.inputs.length) {
    throw malformed(`it holds ${embeddings.length} embeddings for ${request.inputs.length} inputs`);
  }
  const vectors = embeddings.map((embedding: unknown, index) => vectorOf(embedding, index));
  return {
    model: request.model,
    vectors: request.dimensions === undefined ? vectors : vectors.map(unitLength),
    inputTokens: inputTokens(body, request),
  };
}

function vectorOf(embedding: unknown, index: number): number[] {
  const values = isObject(embedding) ? embedding['values'] : undefined;
  if (!Array.isArray(values) || values.length === 0) throw malformed(`embedding ${index} has no values`);
  return values.map((value: unknown) => {
    const number = numberOf(value);
    if (number === undefined) throw malformed(`embedding ${index} holds a value that is not a number`);
    return number;
  });
}

function unitLength(vector: number[]): number[] {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const length = Math.sqrt(squares);
  return length === 0 ? vector : vector.map((value) => value / length);
}

function inputTokens(body: Record<string, unknown>, request: EmbeddingRequest): number {
  const usage = body['usageMetadata'];
  const reported = isObject(usage) ? numberOf(usage['promptTokenCount']) : undefined;
  if (reported !== undefined && reported > 0) return Math.floor(reported);
  return request.inputs.reduce((sum, input) => sum + estimateTextTokens(input), 0);
}

function malformed(problem: string): GatewayError {
  return new GatewayError('upstream_unreachable', `Gemini sent an unusable embeddings response: ${problem}`);
}
