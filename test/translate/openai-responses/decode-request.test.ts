import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GatewayError } from '../../../src/core/errors.ts';
import { openaiResponsesInbound as codec } from '../../../src/inbound/openai-responses/index.ts';
import { DATA, readCases } from './support.ts';

interface DecodeCase {
  description: string;
  body: unknown;
  expected: unknown;
}

interface ErrorCases {
  base: Record<string, unknown>;
  cases: {
    description: string;
    body: Record<string, unknown>;
    omit?: string[];
    param: string;
    message: string;
    code?: string;
  }[];
}

describe('openai-responses decodeRequest: cases', () => {
  for (const { name, value } of readCases<DecodeCase>('decode')) {
    test(`${name}: ${value.description}`, () => {
      assert.deepEqual(codec.decodeRequest(value.body), value.expected);
    });
  }
});

describe('openai-responses decodeRequest: refusals', () => {
  const { base, cases } = JSON.parse(readFileSync(join(DATA, 'decode-errors.json'), 'utf8')) as ErrorCases;
  for (const item of cases) {
    test(item.description, () => {
      const body: Record<string, unknown> = { ...base, ...item.body };
      for (const key of item.omit ?? []) delete body[key];
      assert.throws(
        () => codec.decodeRequest(body),
        (error: unknown) => {
          assert.ok(error instanceof GatewayError, `not a GatewayError: ${String(error)}`);
          assert.equal(error.status, 400);
          assert.equal(error.code, item.code ?? 'invalid_request');
          assert.equal(error.param, item.param);
          assert.equal(error.message, item.message);
          return true;
        },
      );
    });
  }

  test('a body that is not an object', () => {
    assert.throws(() => codec.decodeRequest([]), { message: 'request body must be a JSON object' });
  });
});
