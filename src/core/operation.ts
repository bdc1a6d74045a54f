import type { Dialect } from '../providers/registry.ts';

/** What a data-plane request asks for, independent of who serves it. */
export type Operation =
  | 'chat'
  | 'responses'
  | 'embeddings'
  | 'messages'
  | 'count_tokens'
  | 'generate'
  | 'stream_generate';

/** The wire dialect each operation is spoken in by clients. */
export const OPERATION_DIALECT: Readonly<Record<Operation, Dialect>> = {
  chat: 'openai',
  responses: 'openai',
  embeddings: 'openai',
  messages: 'anthropic',
  count_tokens: 'anthropic',
  generate: 'gemini',
  stream_generate: 'gemini',
};
