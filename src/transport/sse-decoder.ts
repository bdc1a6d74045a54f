/** A dispatched event. `raw` is its exact text as received, terminating blank line included. */
export interface SseEvent {
  readonly type: 'event';
  /** The `event:` field; undefined means the default type, `message`. */
  readonly event: string | undefined;
  readonly data: string;
  /** The stream's last event ID at dispatch (it persists across events, per the spec). */
  readonly id: string | undefined;
  /** A valid `retry:` field in this event's block. */
  readonly retry: number | undefined;
  readonly raw: string;
}

/**
 * A block that dispatches no event: keepalive comments, a stray blank line, or fields
 * without `data:`. Never data, but its `raw` must still be forwarded by a passthrough.
 */
export interface SseComment {
  readonly type: 'comment';
  /** The text of each `:` line, one leading space removed. */
  readonly comments: readonly string[];
  readonly raw: string;
}

export type SseFrame = SseEvent | SseComment;

const LF = 0x0a;
const SPACE = 0x20;
const COLON = 0x3a;
const BOM = 0xfeff;
const NO_COMMENTS: readonly string[] = Object.freeze([]);
const DIGITS = /^[0-9]+$/;

/**
 * Incremental text/event-stream decoder (WHATWG HTML, "Parsing an event stream").
 * Every input character ends up in exactly one frame's `raw` or in `partialRaw`, so
 * concatenating them reproduces the stream. Invalid UTF-8 decodes to U+FFFD, as the spec
 * says; only then is `raw` not byte-identical.
 */
export class SseDecoder {
  readonly #utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  #started = false;
  #ended = false;
  /** The previous chunk ended in CR: a following LF belongs to that line break. */
  #skipLF = false;
  /** A CR-terminated blank line ended the previous chunk; the block ends after a possible LF. */
  #heldBlockEnd = false;
  /** Pieces of the current unterminated line. */
  #line: string[] = [];
  /** Raw text of the current block received in earlier chunks. */
  #raw: string[] = [];
  #data: string[] = [];
  #event = '';
  #retry: number | undefined = undefined;
  #comments: string[] = [];
  /** The current block has a line that is neither blank nor a comment. */
  #content = false;
  #lastEventId = '';
  #reconnectionTime: number | undefined = undefined;

  push(chunk: Uint8Array): SseFrame[] {
    if (this.#ended) throw new Error('SseDecoder: push after end');
    const out: SseFrame[] = [];
    const text = this.#utf8.decode(chunk, { stream: true });
    if (text.length > 0) this.#consume(text, out);
    return out;
  }

  /** Ends the stream. A trailing block without its blank line is not dispatched. */
  end(): SseFrame[] {
    if (this.#ended) return [];
    const out: SseFrame[] = [];
    const text = this.#utf8.decode();
    if (text.length > 0) this.#consume(text, out);
    this.#ended = true;
    if (this.#heldBlockEnd) {
      this.#heldBlockEnd = false;
      out.push(this.#finishBlock(this.#takeRaw('', 0, 0)));
    }
    return out;
  }

  /** Whether the text after the last frame holds an event's fields (a truncated stream). */
  get hasPartialEvent(): boolean {
    if (this.#heldBlockEnd) return false;
    return this.#content || (this.#line.length > 0 && this.#line[0]!.charCodeAt(0) !== COLON);
  }

  /** Text received after the last frame, not (yet) part of any frame. */
  get partialRaw(): string {
    return this.#raw.join('');
  }

  get lastEventId(): string {
    return this.#lastEventId;
  }

  get reconnectionTime(): number | undefined {
    return this.#reconnectionTime;
  }

  #consume(text: string, out: SseFrame[]): void {
    let pos = 0;
    let blockStart = 0;
    if (!this.#started) {
      this.#started = true;
      if (text.charCodeAt(0) === BOM) pos = 1;
    }
    if (this.#skipLF) {
      this.#skipLF = false;
      if (text.charCodeAt(0) === LF) pos = 1;
      if (this.#heldBlockEnd) {
        this.#heldBlockEnd = false;
        out.push(this.#finishBlock(this.#takeRaw(text, 0, pos)));
        blockStart = pos;
      }
    }
    let lf = text.indexOf('\n', pos);
    let cr = text.indexOf('\r', pos);
    while (lf !== -1 || cr !== -1) {
      const end = lf === -1 || (cr !== -1 && cr < lf) ? cr : lf;
      let next = end + 1;
      if (end === cr) {
        if (next === text.length) this.#skipLF = true;
        else if (text.charCodeAt(next) === LF) next++;
        cr = text.indexOf('\r', next);
      }
      if (lf !== -1 && lf < next) lf = text.indexOf('\n', next);

      const line = this.#line.length === 0 ? text.slice(pos, end) : this.#takeLine(text.slice(pos, end));
      pos = next;
      if (line.length > 0) {
        this.#processLine(line);
      } else if (this.#skipLF) {
        this.#heldBlockEnd = true;
      } else {
        out.push(this.#finishBlock(this.#takeRaw(text, blockStart, next)));
        blockStart = next;
      }
    }
    if (pos < text.length) this.#line.push(text.slice(pos));
    if (blockStart < text.length) this.#raw.push(text.slice(blockStart));
  }

  #takeLine(tail: string): string {
    this.#line.push(tail);
    const line = this.#line.join('');
    this.#line.length = 0;
    return line;
  }

  #takeRaw(text: string, start: number, end: number): string {
    const piece = text.slice(start, end);
    if (this.#raw.length === 0) return piece;
    this.#raw.push(piece);
    const raw = this.#raw.join('');
    this.#raw.length = 0;
    return raw;
  }

  #processLine(line: string): void {
    const colon = line.indexOf(':');
    if (colon === 0) {
      this.#comments.push(line.charCodeAt(1) === SPACE ? line.slice(2) : line.slice(1));
      return;
    }
    this.#content = true;
    let field = line;
    let value = '';
    if (colon > 0) {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === SPACE ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.#data.push(value);
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (DIGITS.test(value)) {
          this.#retry = Number(value);
          this.#reconnectionTime = this.#retry;
        }
        break;
    }
  }

  #finishBlock(raw: string): SseFrame {
    let frame: SseFrame;
    if (this.#data.length > 0) {
      frame = {
        type: 'event',
        event: this.#event === '' ? undefined : this.#event,
        data: this.#data.length === 1 ? this.#data[0]! : this.#data.join('\n'),
        id: this.#lastEventId === '' ? undefined : this.#lastEventId,
        retry: this.#retry,
        raw,
      };
      this.#data.length = 0;
    } else {
      frame = { type: 'comment', comments: this.#comments.length === 0 ? NO_COMMENTS : this.#comments, raw };
    }
    if (this.#comments.length > 0) this.#comments = [];
    this.#event = '';
    this.#retry = undefined;
    this.#content = false;
    return frame;
  }
}
