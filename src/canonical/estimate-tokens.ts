import { createRequire } from 'node:module';
import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';
import type { CanonicalRequest, ContentPart, DocumentPart, ImagePart } from './request.ts';

/**
 * Prompt sizes for answers that need one before (or without) a backend's count: Anthropic
 * `count_tokens` served by another backend, the `input_tokens` an Anthropic stream sends in
 * `message_start`, embeddings backends that report no usage. o200k (GPT-4o's encoding) is not
 * Claude's or Gemini's tokenizer, so these are estimates, typically within 10-20% of theirs.
 */

type CountTokens = typeof O200k.countTokens;

/** Special-token text in a prompt (`<|endoftext|>`) is plain text to the backend: count it, never throw. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Loading the o200k ranks costs ~200 ms and ~20 MB of heap, so it happens on first use rather
 * than at start-up; `require` keeps the first use synchronous.
 */
let loadedCount: CountTokens | undefined;

function countTokens(): CountTokens {
  if (!loadedCount) {
    const encoding = createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as typeof O200k;
    loadedCount = encoding.countTokens;
  }
  return loadedCount;
}

/**
 * BPE time grows with the square of a pre-token's length, and a run of letters, symbols or
 * spaces can be one pre-token: 50 000 `a`s take seconds. Runs without whitespace or digits are
 * cut every this many characters (each cut costs at most a token of accuracy).
 */
const RUN_SLICE = 256;

/**
 * Texts longer than this are estimated from evenly spaced samples totalling about as many
 * characters, so one estimate costs a few milliseconds whatever the prompt's size (an exact
 * count of 1 MB takes over 100 ms of event loop).
 */
const EXACT_LIMIT = 32_768;
const SAMPLES = 128;
const SAMPLE_CHARS = EXACT_LIMIT / SAMPLES;

export function estimateTextTokens(text: string): number {
  if (text.length <= EXACT_LIMIT) return countExact(text);
  const stride = text.length / SAMPLES;
  let sampledChars = 0;
  let sampledTokens = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const start = wordStart(text, Math.floor(i * stride));
    const end = wordStart(text, Math.min(start + SAMPLE_CHARS, text.length));
    if (end <= start) continue;
    sampledChars += end - start;
    sampledTokens += countExact(text.slice(start, end));
  }
  return sampledChars === 0 ? 0 : Math.round((sampledTokens * text.length) / sampledChars);
}

function countExact(text: string): number {
  const count = countTokens();
  let total = 0;
  let from = 0;
  let runStart = 0;
  let runKind = -1;
  for (let i = 0; i < text.length; i++) {
    const kind = charKind(text.charCodeAt(i));
    if (kind !== runKind) {
      runKind = kind;
      runStart = i;
    } else if (kind !== DIGIT && i - runStart >= RUN_SLICE) {
      const cut = pairSafe(text, i);
      total += count(text.slice(from, cut), PLAIN_TEXT);
      from = cut;
      runStart = cut;
    }
  }
  return total + count(text.slice(from), PLAIN_TEXT);
}

const SPACE = 0;
const DIGIT = 1;
const OTHER = 2;

function charKind(code: number): number {
  if (code >= 48 && code <= 57) return DIGIT;
  return isSpace(code) ? SPACE : OTHER;
}

function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x3000 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029
  );
}

/**
 * `at`, moved forward to the next whitespace if one is near: samples then hold whole words
 * with their leading space, the way BPE splits them in place.
 */
function wordStart(text: string, at: number): number {
  const limit = Math.min(at + 32, text.length);
  for (let i = at; i < limit; i++) {
    if (isSpace(text.charCodeAt(i))) return i;
  }
  return pairSafe(text, at);
}

/** A cut at `at` that does not split a surrogate pair. */
function pairSafe(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at + 1 : at;
}

/**
 * Chat formats wrap each message in a few tokens (OpenAI's documented count is 3 per message
 * plus 3 that prime the reply); a tool definition or call carries its own framing.
 */
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;
const PER_TOOL = 8;
const PER_TOOL_CALL = 3;

/**
 * An image's cost depends on its size and on the backend, and decoding one to measure it is
 * not worth it here. 1 000 sits between OpenAI's high-detail 1024x1024 (85 + 4 x 170 = 765)
 * and Gemini's four 768-pixel tiles of 258 (1 032); both backends downscale larger images, so
 * typical screenshots land near it. OpenAI's low detail is a flat 85.
 */
const IMAGE_TOKENS = 1_000;
const LOW_DETAIL_IMAGE_TOKENS = 85;
/** A PDF page costs 1 500-3 000 tokens (text plus page image); the page count is unknown, so one page. */
const DOCUMENT_TOKENS = 1_500;

/** A schema's JSON for counting; one nested too deeply to serialise counts as nothing. */
function schemaText(schema: unknown): string {
  try {
    return JSON.stringify(schema) ?? '';
  } catch {
    return '';
  }
}

/**
 * The prompt a request makes: system, every message's text, tool calls' names and arguments,
 * tool results, tool definitions (name, description, JSON of parameters) and a JSON-schema
 * response format, plus per-message framing and fixed costs for images and documents.
 * Thinking from earlier turns is left out: Anthropic does not count it, and plain backends
 * receive none.
 */
export function estimateRequestTokens(request: CanonicalRequest): number {
  const texts: string[] = [];
  let fixed = REPLY_PRIMING;
  if (request.system.length > 0) {
    fixed += PER_MESSAGE;
    for (const block of request.system) texts.push(block.text);
  }
  for (const message of request.messages) {
    fixed += PER_MESSAGE;
    for (const part of message.content) fixed += collectPart(part, texts);
  }
  for (const tool of request.tools) {
    fixed += PER_TOOL;
    texts.push(tool.name, tool.description ?? '', schemaText(tool.parameters));
  }
  if (request.responseFormat?.type === 'json_schema') texts.push(schemaText(request.responseFormat.schema));
  return fixed + estimateTexts(texts);
}

/**
 * Clients resend the same system prompt, tool definitions and history turn after turn
 * (Claude Code's first 30-40 KB never change), so counts are remembered per text: only new
 * text is tokenized. Bounded by total characters; what was not used lately ages out.
 */
class TokenMemo {
  // Two generations instead of a strict LRU: a hit in the young map costs one lookup, and
  // nothing is deleted per hit (deleting and re-adding in a full Map makes V8 rehash it).
  #young = new Map<string, number>();
  #old = new Map<string, number>();
  #youngChars = 0;

  get(text: string): number | undefined {
    const young = this.#young.get(text);
    if (young !== undefined) return young;
    const old = this.#old.get(text);
    if (old !== undefined) this.#put(text, old);
    return old;
  }

  set(text: string, count: number): void {
    if (text.length < MEMO_MIN_CHARS || text.length > MEMO_MAX_CHARS) return;
    this.#put(text, count);
  }

  #put(text: string, count: number): void {
    this.#young.set(text, count);
    this.#youngChars += text.length;
    if (this.#youngChars > MEMO_LIMIT_CHARS / 2) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#youngChars = 0;
    }
  }
}

/** Shorter texts cost less to count than to remember. */
const MEMO_MIN_CHARS = 256;
const MEMO_MAX_CHARS = 1_000_000;
const MEMO_LIMIT_CHARS = 4_000_000;
const memo = new TokenMemo();

/**
 * Characters of new text one request may tokenize; beyond it, new texts are scaled by the
 * tokens-per-character ratio measured on what was counted, so a prompt of a thousand
 * medium-sized texts costs milliseconds, not seconds.
 */
const COUNT_BUDGET_CHARS = 65_536;
const DEFAULT_TOKENS_PER_CHAR = 0.25;

function estimateTexts(texts: readonly string[]): number {
  let total = 0;
  let countedChars = 0;
  let countedTokens = 0;
  let deferredChars = 0;
  for (const text of texts) {
    if (text === '') continue;
    const known = memo.get(text);
    if (known !== undefined) {
      total += known;
      continue;
    }
    if (countedChars >= COUNT_BUDGET_CHARS) {
      deferredChars += text.length;
      continue;
    }
    const tokens = estimateTextTokens(text);
    memo.set(text, tokens);
    total += tokens;
    countedChars += text.length;
    countedTokens += tokens;
  }
  if (deferredChars > 0) {
    const ratio = countedChars > 0 ? countedTokens / countedChars : DEFAULT_TOKENS_PER_CHAR;
    total += Math.round(deferredChars * ratio);
  }
  return total;
}

/** Pushes the part's text; returns its fixed cost. */
function collectPart(part: ContentPart, texts: string[]): number {
  switch (part.type) {
    case 'text':
      texts.push(part.text);
      return 0;
    case 'image':
      return imageTokens(part);
    case 'document':
      return documentTokens(part, texts);
    case 'tool_call':
      texts.push(part.name, part.arguments);
      return PER_TOOL_CALL;
    case 'tool_result': {
      let fixed = PER_MESSAGE;
      for (const inner of part.content) fixed += collectPart(inner, texts);
      return fixed;
    }
    case 'thinking':
    case 'redacted_thinking':
      return 0;
  }
}

function imageTokens(part: ImagePart): number {
  return part.detail === 'low' ? LOW_DETAIL_IMAGE_TOKENS : IMAGE_TOKENS;
}

function documentTokens(part: DocumentPart, texts: string[]): number {
  const { source } = part;
  if (part.title) texts.push(part.title);
  if (source.kind === 'base64' && source.mediaType.startsWith('text/')) {
    texts.push(Buffer.from(source.data, 'base64').toString('utf8'));
    return 0;
  }
  return DOCUMENT_TOKENS;
}
