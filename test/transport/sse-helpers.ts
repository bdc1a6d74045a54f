import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SseDecoder, type SseFrame } from '../../src/transport/sse-decoder.ts';

/** The recorded exchanges as copied into the repository (with their NOTICE). */
const FIXTURES = fileURLToPath(new URL('../data/fixtures', import.meta.url));
const utf8 = new TextEncoder();

export interface DecodeResult {
  frames: SseFrame[];
  hasPartialEvent: boolean;
  partialRaw: string;
}

export function decodeChunks(chunks: readonly Uint8Array[]): DecodeResult {
  const decoder = new SseDecoder();
  const frames: SseFrame[] = [];
  for (const chunk of chunks) frames.push(...decoder.push(chunk));
  frames.push(...decoder.end());
  return { frames, hasPartialEvent: decoder.hasPartialEvent, partialRaw: decoder.partialRaw };
}

export function decodeText(text: string): DecodeResult {
  return decodeChunks([utf8.encode(text)]);
}

export { prng } from '../support/prng.ts';

export function splitRandomly(bytes: Uint8Array, random: () => number, maxChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(at, cut));
    at = cut;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

export interface SseFixture {
  name: string;
  sse: string;
}

export function sseFixtures(): SseFixture[] {
  const fixtures: SseFixture[] = [];
  for (const provider of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!provider.isDirectory()) continue;
    for (const file of readdirSync(join(FIXTURES, provider.name))) {
      if (!file.endsWith('.json')) continue;
      const exchange: unknown = JSON.parse(readFileSync(join(FIXTURES, provider.name, file), 'utf8'));
      const sse = (exchange as { response?: { sse?: unknown } }).response?.sse;
      if (typeof sse === 'string') fixtures.push({ name: `${provider.name}/${file}`, sse });
    }
  }
  return fixtures;
}
