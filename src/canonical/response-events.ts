import type { CanonicalResponse, StreamEvent } from './response.ts';

/**
 * A whole answer as the stream events that would have produced it, for a backend that
 * answered JSON to a streamed request: the client still gets the stream it asked for.
 */
export function responseEvents(response: CanonicalResponse): StreamEvent[] {
  const events: StreamEvent[] = [
    { type: 'start', id: response.id, model: response.model, created: response.created },
  ];
  response.content.forEach((part, index) => {
    switch (part.type) {
      case 'text':
        events.push(
          part.signature === undefined
            ? { type: 'text', index, text: part.text }
            : { type: 'text', index, text: part.text, signature: part.signature },
        );
        break;
      case 'thinking':
        events.push({ type: 'thinking', index, text: part.text });
        if (part.signature) events.push({ type: 'thinking_signature', index, signature: part.signature });
        break;
      case 'redacted_thinking':
        events.push({ type: 'redacted_thinking', index, data: part.data });
        break;
      case 'tool_call':
        events.push(
          part.signature === undefined
            ? { type: 'tool_call', index, id: part.id, name: part.name }
            : { type: 'tool_call', index, id: part.id, name: part.name, signature: part.signature },
          { type: 'tool_arguments', index, json: part.arguments },
        );
        break;
    }
  });
  events.push({ type: 'usage', usage: response.usage });
  events.push(
    response.stopSequence === undefined
      ? { type: 'finish', stopReason: response.stopReason }
      : { type: 'finish', stopReason: response.stopReason, stopSequence: response.stopSequence },
  );
  return events;
}
