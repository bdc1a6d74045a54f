/** The Gemini `GenerateContentResponse` shapes this codec writes to clients (camelCase, as the API does). */

export type FinishReason = 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'OTHER';

export interface WireFunctionCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface WirePart {
  text?: string;
  thought?: true;
  functionCall?: WireFunctionCall;
  thoughtSignature?: string;
}

export interface WireCandidate {
  content: { role: 'model'; parts: WirePart[] };
  finishReason?: FinishReason;
  index: 0;
}

export interface WireUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  thoughtsTokenCount?: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
}

export interface WireGenerateContentResponse {
  candidates: WireCandidate[];
  usageMetadata?: WireUsageMetadata;
  modelVersion: string;
  responseId: string;
}
