/**
 * The canonical chat request: what every inbound dialect decodes into and every provider
 * dialect encodes from. Wire types stay in their dialect's folder; nothing here names one.
 */

export type ImageSource =
  | { kind: 'url'; url: string }
  | { kind: 'base64'; mediaType: string; data: string }
  /** A provider-hosted file (Gemini fileData, OpenAI file id). */
  | { kind: 'file'; fileId: string; mediaType?: string };

export interface TextPart {
  type: 'text';
  text: string;
  /** Gemini can sign text parts too; echoed back to the same backend. */
  signature?: string;
}

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  /** OpenAI's `detail` hint. */
  detail?: string;
}

/** A PDF or other document. */
export interface DocumentPart {
  type: 'document';
  source: ImageSource;
  title?: string;
}

export interface ThinkingPart {
  type: 'thinking';
  text: string;
  /** Anthropic's signature or Gemini's thoughtSignature; opaque, echoed back. */
  signature?: string;
}

export interface RedactedThinkingPart {
  type: 'redacted_thinking';
  data: string;
}

export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  /** The arguments as a JSON text (an object); `{}` when none. */
  arguments: string;
  /** Gemini's thoughtSignature on a functionCall. */
  signature?: string;
}

export interface ToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  /** Known when the client's dialect carries it (Gemini functionResponse, OpenAI tool name lookups). */
  name?: string;
  content: (TextPart | ImagePart | DocumentPart)[];
  isError: boolean;
}

export type ContentPart =
  | TextPart
  | ImagePart
  | DocumentPart
  | ThinkingPart
  | RedactedThinkingPart
  | ToolCallPart
  | ToolResultPart;

export type Role = 'system' | 'user' | 'assistant';

/**
 * One turn. Tool results live in user turns (as Anthropic has them); encoders that need
 * separate tool messages split them out. A `system` turn appears only where the client put
 * one among the messages (Claude Code does under a beta); the leading system prompt is
 * `CanonicalRequest.system`.
 */
export interface Message {
  role: Role;
  content: ContentPart[];
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'required' }
  | { type: 'none' }
  | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      strict?: boolean;
      description?: string;
    };

export interface ReasoningConfig {
  /** Anthropic's budget_tokens / Gemini's thinkingBudget. */
  budgetTokens?: number;
  /** OpenAI's reasoning_effort. */
  effort?: 'minimal' | 'low' | 'medium' | 'high';
  /** Ask the backend to return its thoughts (Gemini includeThoughts); Anthropic always does. */
  includeThoughts?: boolean;
}

/**
 * Fields the client sent that have no canonical meaning (a server's own sampling knobs such
 * as vLLM's `repetition_penalty` or `chat_template_kwargs`, sent through an SDK's extra body),
 * kept as they came. Only an encoder of the same wire family forwards them; the others
 * ignore them, since they could mean nothing there.
 */
export interface ProviderExtras {
  family: 'openai' | 'anthropic' | 'gemini';
  fields: Readonly<Record<string, unknown>>;
}

export interface CanonicalRequest {
  /** What the client named (the Switchyard endpoint); the encoder writes the target model. */
  model: string;
  /** The leading system prompt, one entry per block, order kept. */
  system: TextPart[];
  messages: Message[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** OpenAI's `n`; other backends refuse values above 1. */
  candidateCount?: number;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningConfig;
  /** End-user id for abuse tracking (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  stream: boolean;
  /**
   * Features the client asked for that only its own dialect's backends implement
   * (Anthropic server tools, say), by a readable name. An encoder for another dialect
   * refuses the request with a 400 naming them rather than drop them silently.
   */
  dialectOnly: string[];
  extras?: ProviderExtras;
}
