// Table-driven cases for both Gemini codecs, one folder per direction under
// test/data/translation/gemini-generate/.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ResponseContext } from '../../../src/canonical/codecs.ts';
import type { CanonicalRequest } from '../../../src/canonical/request.ts';
import type { CanonicalResponse, StreamEvent } from '../../../src/canonical/response.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import { geminiChunkEncoder, geminiGenerateInbound } from '../../../src/inbound/gemini-generate/index.ts';
import { geminiGenerateCodec } from '../../../src/providers/gemini/translate/index.ts';
import { SseDecoder } from '../../../src/transport/sse-decoder.ts';
import { context, loadCases, normalizeIds } from './helpers.ts';

interface ExpectedError {
  param?: string;
  message: string;
}

interface TranslationCase<I, O> {
  description: string;
  input: I;
  expected?: O;
  error?: ExpectedError;
}

function expectOutcome<I, O>(c: TranslationCase<I, O>, run: () => unknown): void {
  if (c.error) {
    const expected = c.error;
    assert.throws(run, (error: unknown) => {
      assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.status, 400);
      if (expected.param !== undefined) assert.equal(error.param, expected.param);
      assert.ok(error.message.includes(expected.message), `message: ${error.message}`);
      return true;
    });
    return;
  }
  assert.ok(c.expected !== undefined, 'a case needs expected or error');
  assert.deepEqual(normalizeIds(run()), c.expected);
}

describe('inbound decodeRequest (Gemini client → canonical)', () => {
  for (const { name, value: c } of loadCases<TranslationCase<unknown, CanonicalRequest>>('inbound-decode')) {
    test(`${name}: ${c.description}`, () => {
      expectOutcome(c, () => geminiGenerateInbound.decodeRequest(c.input));
    });
  }
});

describe('inbound encodeResponse (canonical → Gemini client)', () => {
  for (const { name, value: c } of loadCases<
    TranslationCase<CanonicalResponse, unknown> & {
      context?: Partial<ResponseContext>;
    }
  >('inbound-encode')) {
    test(`${name}: ${c.description}`, () => {
      expectOutcome(c, () => geminiGenerateInbound.encodeResponse(c.input, context(c.context)));
    });
  }
});

describe('inbound stream encoder (canonical events → Gemini chunks)', () => {
  for (const { name, value: c } of loadCases<
    TranslationCase<StreamEvent[], unknown[]> & {
      context?: Partial<ResponseContext>;
    }
  >('inbound-stream')) {
    test(`${name}: ${c.description}`, () => {
      const chunks = geminiChunkEncoder(context(c.context));
      const objects = [...c.input.flatMap((event) => chunks.encode(event)), ...chunks.end()];
      assert.deepEqual(objects, c.expected);

      // The SSE form carries the same chunks, one data-only frame each, and nothing else.
      const sse = geminiGenerateInbound.streamEncoder(context(c.context));
      const text = c.input.map((event) => sse.encode(event)).join('') + sse.end();
      const frames = new SseDecoder().push(new TextEncoder().encode(text));
      assert.ok(frames.every((frame) => frame.type === 'event' && frame.event === undefined));
      assert.deepEqual(
        frames.map((frame) => (frame.type === 'event' ? JSON.parse(frame.data) : frame)),
        c.expected,
      );
      assert.ok(!text.includes('[DONE]'));
    });
  }
});

describe('provider encodeRequest (canonical → Gemini backend)', () => {
  for (const { name, value: c } of loadCases<TranslationCase<CanonicalRequest, unknown> & { model?: string }>(
    'provider-encode',
  )) {
    test(`${name}: ${c.description}`, () => {
      expectOutcome(c, () => geminiGenerateCodec.encodeRequest(c.input, c.model ?? 'gemini-2.5-flash'));
    });
  }
});

describe('provider decodeResponse (Gemini backend → canonical)', () => {
  for (const { name, value: c } of loadCases<TranslationCase<unknown, CanonicalResponse>>(
    'provider-decode',
  )) {
    test(`${name}: ${c.description}`, () => {
      expectOutcome(c, () => geminiGenerateCodec.decodeResponse(c.input));
    });
  }
});

describe('provider stream decoder (Gemini SSE frames → canonical events)', () => {
  for (const { name, value: c } of loadCases<TranslationCase<unknown[], StreamEvent[]>>('provider-stream')) {
    test(`${name}: ${c.description}`, () => {
      expectOutcome(c, () => {
        const decoder = geminiGenerateCodec.streamDecoder();
        const events = c.input.flatMap((data) =>
          decoder.frame({ data: typeof data === 'string' ? data : JSON.stringify(data) }),
        );
        return [...events, ...decoder.end()];
      });
    });
  }
});

describe('provider decodeError', () => {
  for (const { name, value: c } of loadCases<TranslationCase<{ status: number; body: unknown }, unknown>>(
    'provider-error',
  )) {
    test(`${name}: ${c.description}`, () => {
      expectOutcome(c, () => geminiGenerateCodec.decodeError(c.input.status, c.input.body));
    });
  }
});
