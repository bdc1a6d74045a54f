import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { UpstreamFailure } from '../../../src/canonical/response.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import { openaiChatCodec } from '../../../src/providers/openai/translate/index.ts';
import { CASES, chatFixtures, loadCases, matchMarkers, readJson } from './helpers.ts';

const codec = openaiChatCodec({ maxTokensField: 'max_tokens', includeUsageOption: true });

describe('OpenAI chat provider: decodeResponse cases', () => {
  for (const { name, data } of loadCases('provider/responses')) {
    it(`${name}: ${data['description']}`, () => {
      const decoded = codec.decodeResponse(data['input']);
      assert.deepEqual(matchMarkers(decoded, data['expected']), data['expected']);
      const ids = decoded.content.flatMap((part) => (part.type === 'tool_call' ? [part.id] : []));
      assert.equal(new Set(ids).size, ids.length, 'tool call ids must be unique');
    });
  }

  it('a body without choices is a 502 naming what the backend said', () => {
    for (const [body, message] of [
      [{ object: 'list' }, 'no choices'],
      ['text', 'no choices'],
      [{ error: { message: 'quota exceeded' } }, 'quota exceeded'],
    ] as const) {
      assert.throws(
        () => codec.decodeResponse(body),
        (error: unknown) =>
          error instanceof GatewayError && error.status === 502 && error.message.includes(message),
      );
    }
  });

  it('an empty choices list is an empty answer', () => {
    const decoded = codec.decodeResponse({ id: 'x', model: 'm', created: 1, choices: [] });
    assert.deepEqual(decoded.content, []);
    assert.equal(decoded.stopReason, 'end_turn');
  });
});

describe('OpenAI chat provider: decodeError', () => {
  const file = readJson(join(CASES, 'provider/errors.json')) as {
    cases: { description: string; status: number; body?: unknown; expected: UpstreamFailure }[];
  };
  for (const { description, status, body, expected } of file.cases) {
    it(description, () => {
      assert.deepEqual(codec.decodeError(status, body), expected);
    });
  }
});

describe('OpenAI chat provider: recorded responses and errors', () => {
  const recorded = (
    readJson(join(CASES, 'provider/recorded.json')) as { fixtures: Record<string, Record<string, unknown>> }
  ).fixtures;
  for (const fixture of chatFixtures()) {
    if (fixture.response.sse !== undefined) continue;
    const expected = recorded[fixture.name];
    it(fixture.name, () => {
      assert.ok(expected, `no expectation for ${fixture.name}`);
      if (fixture.response.status === 200) {
        assert.deepEqual(codec.decodeResponse(fixture.response.body), expected['response']);
      } else {
        assert.deepEqual(
          codec.decodeError(fixture.response.status, fixture.response.body),
          expected['error'],
        );
      }
    });
  }
});
