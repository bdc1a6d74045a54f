/**
 * Watches JSON text arrive piece by piece and tells when it holds one whole value (the
 * closing brace of the object it opened). Linear in the text, however it is split.
 */
export class JsonEnd {
  #depth = 0;
  #started = false;
  #inString = false;
  #escaped = false;

  push(text: string): void {
    for (let at = 0; at < text.length; at++) {
      const char = text.charCodeAt(at);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (char === 0x5c) this.#escaped = true;
        else if (char === 0x22) this.#inString = false;
      } else if (char === 0x22) {
        this.#inString = true;
      } else if (char === 0x7b || char === 0x5b) {
        this.#depth++;
        this.#started = true;
      } else if (char === 0x7d || char === 0x5d) {
        this.#depth--;
      }
    }
  }

  get complete(): boolean {
    return this.#started && this.#depth <= 0 && !this.#inString;
  }
}
