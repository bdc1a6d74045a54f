/** The OpenAI chat completion shapes this codec writes to clients. */

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export interface WireAssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  /** Not in OpenAI's schema; DeepSeek, vLLM and most chat UIs read thinking from it. */
  reasoning_content?: string;
  tool_calls?: WireToolCall[];
}

export interface WireChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [{ index: 0; message: WireAssistantMessage; logprobs: null; finish_reason: FinishReason }];
  usage: WireUsage;
}

export interface WireToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface WireDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  tool_calls?: WireToolCallDelta[];
}

export interface WireChunkChoice {
  index: 0;
  delta: WireDelta;
  logprobs: null;
  finish_reason: FinishReason | null;
}

export interface WireChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: WireChunkChoice[];
  usage?: WireUsage;
}
