export interface SseEventInit {
  event?: string;
  data: string;
}

/** A comment block: clients ignore it, proxies and load balancers see traffic. */
export const SSE_KEEPALIVE_COMMENT = ': keepalive\n\n';

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * The exact frame for one event. Each line of `data` becomes its own `data:` line (CR and
 * CRLF become LF, as a decoder would read them back).
 */
export function encodeSseEvent(init: SseEventInit): string {
  let frame = '';
  if (init.event) {
    if (LINE_BREAK.test(init.event)) throw new TypeError('SSE event name must not contain a line break');
    frame = 'event: ' + init.event + '\n';
  }
  const data = init.data;
  if (!LINE_BREAK.test(data)) return frame + 'data: ' + data + '\n\n';
  for (const line of data.split(LINE_BREAK)) frame += 'data: ' + line + '\n';
  return frame + '\n';
}
