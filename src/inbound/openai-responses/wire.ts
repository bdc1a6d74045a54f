/** The OpenAI Responses shapes Switchyard writes (what the `openai` SDK's `Response` type reads). */

export interface OutputTextContent {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
}

export interface MessageItem {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: OutputTextContent[];
}

export interface SummaryText {
  type: 'summary_text';
  text: string;
}

export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: SummaryText[];
  encrypted_content?: string;
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  call_id: string;
  name: string;
  arguments: string;
}

export type OutputItem = MessageItem | ReasoningItem | FunctionCallItem;

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseUsageWire {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponseErrorWire {
  code: 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt';
  message: string;
}

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: ResponseErrorWire | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: null;
  max_output_tokens: null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: null;
  store: false;
  temperature: null;
  text: { format: { type: 'text' } };
  tool_choice: 'auto';
  tools: [];
  top_p: null;
  truncation: 'disabled';
  usage: ResponseUsageWire | null;
  metadata: Record<string, never>;
}
