const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x7b, 0x5b]);
const CLOSE = new Set([0x7d, 0x5d]);

/**
 * Splits Gemini's streamed JSON array (`[{...},\r\n{...}]`, sent element by element) into
 * its elements as they complete, across arbitrary chunk boundaries. It only observes: the
 * bytes themselves are forwarded untouched by the caller.
 */
export class JsonArraySplitter {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #element: Buffer[] = [];
  #elementStart = -1;
  #opened = false;
  #closed = false;
  #elements = 0;

  get closed(): boolean {
    return this.#closed;
  }

  /** Elements completed so far. */
  get elementCount(): number {
    return this.#elements;
  }

  push(chunk: Uint8Array): string[] {
    const done: string[] = [];
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#elementStart = this.#depth > 0 ? 0 : -1;
    for (let i = 0; i < buf.length; i++) {
      const byte = buf[i]!;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
        continue;
      }
      if (byte === QUOTE) {
        this.#inString = true;
      } else if (OPEN.has(byte)) {
        if (this.#depth === 0 && !this.#opened) {
          this.#opened = true;
          continue;
        }
        if (this.#depth === 0) this.#elementStart = i;
        this.#depth++;
      } else if (CLOSE.has(byte)) {
        if (this.#depth === 0) {
          this.#closed = true;
          continue;
        }
        this.#depth--;
        if (this.#depth === 0) {
          this.#element.push(buf.subarray(this.#elementStart, i + 1));
          done.push(Buffer.concat(this.#element).toString('utf8'));
          this.#element = [];
          this.#elementStart = -1;
          this.#elements++;
        }
      }
    }
    if (this.#depth > 0 && this.#elementStart !== -1)
      this.#element.push(Buffer.from(buf.subarray(this.#elementStart)));
    return done;
  }
}
