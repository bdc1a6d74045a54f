import type { FunctionCallItem, MessageItem, OutputTextContent, ReasoningItem, SummaryText } from './wire.ts';

/** Item builders shared by the JSON and the streamed answer, so both give the same items. */

export function outputText(text: string): OutputTextContent {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function messageItem(
  id: string,
  status: MessageItem['status'],
  content: OutputTextContent[],
): MessageItem {
  return { type: 'message', id, status, role: 'assistant', content };
}

export function summaryText(text: string): SummaryText {
  return { type: 'summary_text', text };
}

/** One summary part per thinking part; none when the part has no text (a signature alone, redacted). */
export function reasoningItem(id: string, text: string, encryptedContent: string | undefined): ReasoningItem {
  const item: ReasoningItem = { type: 'reasoning', id, summary: text === '' ? [] : [summaryText(text)] };
  if (encryptedContent !== undefined) item.encrypted_content = encryptedContent;
  return item;
}

export function functionCallItem(
  id: string,
  status: FunctionCallItem['status'],
  callId: string,
  name: string,
  args: string,
): FunctionCallItem {
  return { type: 'function_call', id, status, call_id: callId, name, arguments: args };
}
