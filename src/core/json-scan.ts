/**
 * A structural scan of a JSON object's top level, over bytes: where each member's key and
 * value sit, so the gateway can read `model` and `stream` and splice one value without
 * parsing or re-serialising the rest. Strings are skipped with native `indexOf`, so a large
 * body costs little more than finding its quotes.
 */
export interface Member {
  key: string;
  /** Offset of the key's opening quote. */
  keyStart: number;
  valueStart: number;
  /** Offset just past the value. */
  valueEnd: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(buf: Uint8Array, at: number): number {
  while (at < buf.length && isSpace(buf[at]!)) at++;
  return at;
}

/** Given the offset of an opening quote, the offset just past the closing one; -1 if none. */
function skipString(buf: Uint8Array, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = buf.indexOf(QUOTE, from);
    if (quote === -1) return -1;
    let backslashes = 0;
    for (let i = quote - 1; i > at && buf[i] === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

const LITERAL = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)$/;
const WORDS = ['true', 'false', 'null'].map((word) => Buffer.from(word));

/** true, false, null or a JSON number, checked on the bytes (no string is made for the common case). */
function isLiteral(buf: Uint8Array, start: number, end: number): boolean {
  const first = buf[start]!;
  if (first === 0x74 || first === 0x66 || first === 0x6e) {
    return WORDS.some(
      (word) => word.length === end - start && word.every((byte, i) => buf[start + i] === byte),
    );
  }
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    const digit = byte >= 0x30 && byte <= 0x39;
    if (!digit && byte !== 0x2d && byte !== 0x2e && byte !== 0x2b && byte !== 0x65 && byte !== 0x45)
      return false;
  }
  // Only number-shaped text reaches the exact check.
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(buf[i]!);
  return LITERAL.test(text);
}

/**
 * The offset just past the value starting at `at`; -1 if it is malformed. Nested values are
 * checked for balanced, matching brackets only: callers that need a full grammar check
 * parse the document as well.
 */
function skipValue(buf: Uint8Array, at: number): number {
  const first = buf[at];
  if (first === QUOTE) return skipString(buf, at);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    const open: number[] = [];
    let i = at;
    while (i < buf.length) {
      const byte = buf[i]!;
      if (byte === QUOTE) {
        i = skipString(buf, i);
        if (i === -1) return -1;
        continue;
      }
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) open.push(byte);
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        const expected = open.pop() === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
        if (byte !== expected) return -1;
        if (open.length === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  let i = at;
  while (i < buf.length) {
    const byte = buf[i]!;
    if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isSpace(byte)) break;
    i++;
  }
  return i > at && isLiteral(buf, at, i) ? i : -1;
}

const decoder = new TextDecoder();

/** UTF-8 text of a byte range: Buffer's own slice is much cheaper than TextDecoder for small ranges. */
function utf8(buf: Uint8Array, start: number, end: number): string {
  return Buffer.isBuffer(buf) ? buf.toString('utf8', start, end) : decoder.decode(buf.subarray(start, end));
}

/**
 * The members of the object at `start` (default: the document's top level, which must then
 * be followed by nothing but whitespace); null if it is not a well-formed object.
 */
export function objectMembers(buf: Uint8Array, start?: number): Member[] | null {
  const at = start ?? skipSpace(buf, 0);
  const scanned = scanObject(buf, at);
  if (!scanned) return null;
  if (start === undefined && skipSpace(buf, scanned.end) !== buf.length) return null;
  return scanned.members;
}

function scanObject(buf: Uint8Array, start: number): { members: Member[]; end: number } | null {
  if (buf[start] !== OPEN_BRACE) return null;
  const members: Member[] = [];
  let at = skipSpace(buf, start + 1);
  if (buf[at] === CLOSE_BRACE) return { members, end: at + 1 };
  for (;;) {
    if (buf[at] !== QUOTE) return null;
    const keyEnd = skipString(buf, at);
    if (keyEnd === -1) return null;
    const key = readKey(buf, at, keyEnd);
    if (key === null) return null;
    const colon = skipSpace(buf, keyEnd);
    if (buf[colon] !== COLON) return null;
    const valueStart = skipSpace(buf, colon + 1);
    const valueEnd = skipValue(buf, valueStart);
    if (valueEnd === -1) return null;
    members.push({ key, keyStart: at, valueStart, valueEnd });
    at = skipSpace(buf, valueEnd);
    if (buf[at] === CLOSE_BRACE) return { members, end: at + 1 };
    if (buf[at] !== COMMA) return null;
    at = skipSpace(buf, at + 1);
  }
}

/** A key's text: plain ASCII keys (nearly all) are read directly, others through JSON.parse. */
function readKey(buf: Uint8Array, start: number, end: number): string | null {
  let plain = true;
  for (let i = start + 1; i < end - 1; i++) {
    const byte = buf[i]!;
    if (byte === BACKSLASH || byte >= 0x80 || byte < 0x20) {
      plain = false;
      break;
    }
  }
  if (plain) {
    let key = '';
    for (let i = start + 1; i < end - 1; i++) key += String.fromCharCode(buf[i]!);
    return key;
  }
  try {
    return JSON.parse(decoder.decode(buf.subarray(start, end))) as string;
  } catch {
    return null;
  }
}

/** The value after the `:` that follows offset `at` (just past a key), parsed; undefined if malformed. */
export function valueAt(buf: Uint8Array, at: number): unknown {
  const colon = skipSpace(buf, at);
  if (buf[colon] !== COLON) return undefined;
  const start = skipSpace(buf, colon + 1);
  const end = skipValue(buf, start);
  if (end === -1) return undefined;
  try {
    return JSON.parse(utf8(buf, start, end));
  } catch {
    return undefined;
  }
}

export function findMember(members: readonly Member[], key: string): Member | undefined {
  // The last occurrence wins, as in JSON.parse.
  for (let i = members.length - 1; i >= 0; i--) if (members[i]!.key === key) return members[i];
  return undefined;
}

export function memberText(buf: Uint8Array, member: Member): string {
  return utf8(buf, member.valueStart, member.valueEnd);
}

/** The member's value parsed, or undefined when it does not parse. */
export function memberValue(buf: Uint8Array, member: Member): unknown {
  try {
    return JSON.parse(memberText(buf, member));
  } catch {
    return undefined;
  }
}

export interface Splice {
  start: number;
  end: number;
  insert: string;
}

/** Applies non-overlapping splices in one copy. */
export function applySplices(buf: Uint8Array, splices: readonly Splice[]): Buffer {
  if (splices.length === 0) return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const ordered = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const splice of ordered) {
    parts.push(buf.subarray(at, splice.start), Buffer.from(splice.insert, 'utf8'));
    at = splice.end;
  }
  parts.push(buf.subarray(at));
  return Buffer.concat(parts);
}

/** Replaces a member's value. */
export function replaceValue(member: Member, json: string): Splice {
  return { start: member.valueStart, end: member.valueEnd, insert: json };
}

/** Removes a member together with the comma that separates it from a neighbour. */
export function removeMember(buf: Uint8Array, members: readonly Member[], member: Member): Splice {
  const index = members.indexOf(member);
  const next = members[index + 1];
  if (next) return { start: member.keyStart, end: next.keyStart, insert: '' };
  const previous = members[index - 1];
  if (previous) return { start: previous.valueEnd, end: member.valueEnd, insert: '' };
  return { start: member.keyStart, end: skipSpace(buf, member.valueEnd), insert: '' };
}

/** Inserts `"key":json` as the first member of the object that opens at `objectStart`. */
export function insertFirstMember(
  objectStart: number,
  members: readonly Member[],
  key: string,
  json: string,
): Splice {
  const text = `${JSON.stringify(key)}:${json}${members.length > 0 ? ',' : ''}`;
  return { start: objectStart + 1, end: objectStart + 1, insert: text };
}

export function objectStart(buf: Uint8Array): number {
  return skipSpace(buf, 0);
}
