import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIError } from 'openai';
import type { CanonicalResponse, StreamEvent, UpstreamFailure } from '../../../src/canonical/response.ts';
import { normalizeArguments } from '../../../src/canonical/tool-arguments.ts';
import { openaiResponsesInbound as codec } from '../../../src/inbound/openai-responses/index.ts';
import { assertWellFormed, eventsFor, frames, names, terminalResponse } from './stream-check.ts';
import { accumulatedFromDeltas, context, readCases, sdkCreate, sdkStreamFinal } from './support.ts';

interface StreamCase {
  description: string;
  events: StreamEvent[];
  then: 'end' | 'fail' | 'nothing';
  failure?: UpstreamFailure;
  expectedEvents?: string[];
  expectedStatus?: string;
  expectedUsage?: unknown;
  expectedIncomplete?: unknown;
  expectedOutput?: unknown[];
  expectedError?: unknown;
  expectedResponseError?: unknown;
}

const SEEDS = [1, 2, 3];

/** Runs the encoder; after its terminal frames it must stay silent. */
function encode(events: StreamEvent[], then: StreamCase['then'], failure?: UpstreamFailure): string {
  const encoder = codec.streamEncoder(context());
  let sse = '';
  for (const event of events) sse += encoder.encode(event);
  if (then === 'end') sse += encoder.end();
  if (then === 'fail') sse += encoder.fail(failure!);
  assert.equal(encoder.encode({ type: 'text', index: 0, text: 'late' }), '');
  assert.equal(encoder.end(), '');
  assert.equal(encoder.fail({ status: 500, message: 'late' }), '');
  return sse;
}

/** The deltas alone, accumulated by the SDK, give the texts and arguments the items end with. */
function assertDeltasAddUp(sse: string, output: Record<string, unknown>[]): void {
  const accumulated = accumulatedFromDeltas(sse).output as unknown as Record<string, unknown>[];
  assert.equal(accumulated.length, output.length);
  output.forEach((item, index) => {
    const built = accumulated[index]!;
    assert.equal(built['type'], item['type']);
    assert.equal(built['id'], item['id']);
    if (item['type'] === 'message') assert.deepEqual(built['content'], item['content']);
    if (item['type'] === 'reasoning') assert.deepEqual(built['summary'], item['summary']);
    // The finished call says `{}` for arguments that were empty or not a JSON object.
    if (
      item['type'] === 'function_call' &&
      !(item['arguments'] === '{}' && normalizeArguments(String(built['arguments'])) === '{}')
    ) {
      assert.equal(built['arguments'], item['arguments']);
    }
  });
}

describe('openai-responses streamEncoder: cases', () => {
  for (const { name, value } of readCases<StreamCase>('stream')) {
    test(`${name}: ${value.description}`, async () => {
      const sse = encode(value.events, value.then, value.failure);
      const list = frames(sse);
      assertWellFormed(list);
      if (value.expectedEvents) assert.deepEqual(names(list), value.expectedEvents);
      for (const seed of SEEDS) assert.deepEqual(frames(sse, seed), list, `split with seed ${seed}`);

      const error = list.find((frame) => frame.event === 'error');
      if (value.expectedError) assert.deepEqual(error?.data, value.expectedError);
      const response = terminalResponse(list);
      if (value.expectedStatus) assert.equal(response?.['status'], value.expectedStatus);
      if (value.expectedUsage) assert.deepEqual(response?.['usage'], value.expectedUsage);
      if (value.expectedIncomplete)
        assert.deepEqual(response?.['incomplete_details'], value.expectedIncomplete);
      if (value.expectedResponseError) assert.deepEqual(response?.['error'], value.expectedResponseError);
      if (value.expectedOutput) assert.deepEqual(response?.['output'], value.expectedOutput);
      if (response) assertDeltasAddUp(sse, response['output'] as Record<string, unknown>[]);

      if (error) {
        const message = String((value.expectedError as { message: string }).message);
        await assert.rejects(sdkStreamFinal(sse), (thrown: unknown) => {
          assert.ok(thrown instanceof APIError, `the SDK raises an APIError, not ${String(thrown)}`);
          assert.equal(thrown.message, message);
          return true;
        });
        return;
      }
      const final = (await sdkStreamFinal(sse)) as Record<string, unknown>;
      assert.deepEqual({ ...final, output_text: undefined }, { ...response, output_text: undefined });
      for (const seed of SEEDS)
        assert.deepEqual(await sdkStreamFinal(sse, seed), final, `SDK read with seed ${seed}`);
    });
  }
});

describe('openai-responses streamEncoder: the SDK accumulates what the JSON answer says', () => {
  for (const { name, value } of readCases<{ response: CanonicalResponse }>('encode')) {
    test(`${name}: stream().finalResponse() equals create() of encodeResponse, output_text included`, async () => {
      const sse = encode(eventsFor(value.response), 'end');
      assertWellFormed(frames(sse));
      const streamed = await sdkStreamFinal(sse);
      const created = await sdkCreate(codec.encodeResponse(value.response, context()) as object);
      assert.deepEqual(streamed, created);
      for (const seed of SEEDS) assert.deepEqual(await sdkStreamFinal(sse, seed), created);
    });
  }
});

describe('openai-responses streamEncoder: frames', () => {
  test('created and in_progress announce an empty in-progress response with the same id and model', () => {
    const list = frames(encode([{ type: 'text', index: 0, text: 'x' }], 'end'));
    const created = list[0]!.data['response'] as Record<string, unknown>;
    const inProgress = list[1]!.data['response'] as Record<string, unknown>;
    const completed = terminalResponse(list)!;
    assert.deepEqual(created, inProgress);
    assert.equal(created['status'], 'in_progress');
    assert.deepEqual(created['output'], []);
    assert.equal(created['usage'], null);
    assert.equal(created['id'], completed['id']);
    assert.equal(created['model'], 'my-endpoint');
    assert.equal(completed['created_at'], 1_700_000_000);
  });

  test('each frame is "event: <type>" then one data line', () => {
    const sse = encode([{ type: 'text', index: 0, text: 'multi\nline' }], 'end');
    for (const block of sse.split('\n\n').filter(Boolean)) {
      const lines = block.split('\n');
      assert.equal(lines.length, 2, block);
      assert.match(lines[0]!, /^event: [a-z_.]+$/);
      assert.match(lines[1]!, /^data: \{/);
    }
    assert.ok(!sse.includes('[DONE]'));
  });
});
