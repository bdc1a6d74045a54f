import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalRequest } from '../../../src/canonical/request.ts';
import { isObject, type JsonObject } from '../../../src/canonical/wire.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import { openaiResponsesInbound as codec } from '../../../src/inbound/openai-responses/index.ts';
import { assertWellFormed, type Frame, frames, names, terminalResponse } from './stream-check.ts';
import {
  canonicalEventsFromRecorded,
  canonicalFromRecorded,
  context,
  responsesFixtures,
  sdkStreamFinal,
  sseEvents,
} from './support.ts';

const fixtures = responsesFixtures();

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Get the current weather for a city.',
  parameters: {
    additionalProperties: false,
    properties: { city: { type: 'string' } },
    required: ['city'],
    type: 'object',
  },
  strict: true,
};

const CAPITAL_PARAMETERS = {
  additionalProperties: false,
  properties: { country: { type: 'string' } },
  required: ['country'],
  type: 'object',
};

/** What each recorded request must decode to (the parts that matter for it). */
const REQUEST_CHECKS: Record<string, (request: CanonicalRequest) => void> = {
  'responses-error-400-model.json': (request) => {
    assert.equal(request.model, 'gpt-5.2-proo');
    assert.deepEqual(request.messages, [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }]);
    assert.equal(request.stream, false);
  },
  'responses-function-call.json': (request) => {
    assert.deepEqual(request.tools, [WEATHER_TOOL]);
    assert.deepEqual(request.toolChoice, { type: 'auto' });
    assert.deepEqual(request.dialectOnly, []);
  },
  'responses-function-call-output.json': (request) => {
    // OpenAI's encrypted reasoning with an empty summary carries nothing to another backend.
    assert.deepEqual(request.messages, [
      { role: 'user', content: [{ type: 'text', text: "What's the weather in Paris?" }] },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_call',
            id: 'call_E4xGYcmG4CvUzTabsGjXo6ba',
            name: 'get_weather',
            arguments: '{"city":"Paris"}',
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'call_E4xGYcmG4CvUzTabsGjXo6ba',
            name: 'get_weather',
            content: [{ type: 'text', text: 'Sunny, 22C in Paris' }],
            isError: false,
          },
        ],
      },
    ]);
    assert.deepEqual(request.tools, [WEATHER_TOOL]);
  },
  'responses-reasoning.json': (request) => {
    assert.deepEqual(request.reasoning, { effort: 'high', includeThoughts: true });
  },
  'responses-stream-function-call-reasoning.json': (request) => {
    assert.deepEqual(request.reasoning, { effort: 'low' });
    assert.deepEqual(request.toolChoice, { type: 'required' });
    assert.equal(request.stream, true);
    assert.deepEqual(request.dialectOnly, []);
  },
  'responses-stream-function-call-tool-search.json': (request) => {
    assert.match(request.system[0]!.text, /^When you need a capability/);
    assert.deepEqual(
      request.tools.map((tool) => tool.name),
      ['get_weather', 'get_exchange_rate', 'stock_lookup'],
    );
    assert.deepEqual(request.dialectOnly, [
      'tool_search tool',
      'tool_search_call input item',
      'tool_search_output input item',
    ]);
  },
  'responses-stream-function-call.json': (request) => {
    assert.deepEqual(request.system, []);
    assert.deepEqual(request.tools, [
      { name: 'get_capital', description: '', parameters: CAPITAL_PARAMETERS, strict: true },
    ]);
  },
  'responses-stream-reasoning-code-interpreter.json': (request) => {
    assert.deepEqual(request.dialectOnly, ['code_interpreter tool']);
    assert.deepEqual(request.reasoning, { effort: 'low', includeThoughts: true });
  },
  'responses-stream-text-after-tool.json': (request) => {
    assert.deepEqual(request.messages.slice(1), [
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_call',
            id: 'fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2',
            name: 'get_capital',
            arguments: '{"country":"France"}',
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2',
            name: 'get_capital',
            content: [{ type: 'text', text: 'Paris' }],
            isError: false,
          },
        ],
      },
    ]);
  },
  'responses-stream-text-and-function-call.json': (request) => {
    assert.deepEqual(request.tools, [{ name: 'get_capital', parameters: CAPITAL_PARAMETERS, strict: true }]);
    assert.deepEqual(request.system, [
      { type: 'text', text: 'Briefly narrate what you are about to do before calling each tool.' },
    ]);
  },
  'responses-stream-text.json': (request) => {
    assert.deepEqual(request.system, [{ type: 'text', text: 'Be very concise.' }]);
    assert.deepEqual(request.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Count from 1 to 3, separated by commas.' }] },
    ]);
  },
  'responses-stream-web-search.json': (request) => {
    assert.deepEqual(request.dialectOnly, ['web_search tool']);
  },
};

/** Requests OpenAI itself refused: Switchyard refuses them for the same field. */
const REFUSED: Record<string, string> = { 'responses-error-400-param.json': 'temperature' };

describe('openai-responses: recorded requests decode', () => {
  for (const fixture of fixtures) {
    test(`${fixture.name}: ${fixture.description}`, () => {
      const refusedField = REFUSED[fixture.name];
      if (refusedField) {
        const recorded = fixture.response.body as { error: { param: string } };
        assert.equal(recorded.error.param, refusedField);
        assert.throws(
          () => codec.decodeRequest(fixture.request.body),
          (error: unknown) => {
            assert.ok(error instanceof GatewayError);
            assert.equal(error.param, refusedField);
            return true;
          },
        );
        return;
      }
      const request = codec.decodeRequest(fixture.request.body);
      assert.equal(request.model, fixture.request.body['model']);
      const check = REQUEST_CHECKS[fixture.name];
      assert.ok(check, `no expectations written for ${fixture.name}`);
      check(request);
    });
  }
});

/** The items Switchyard can give: messages, function calls, and reasoning with text. */
function representable(items: JsonObject[]): JsonObject[] {
  return items.filter(
    (item) =>
      item['type'] === 'message' ||
      item['type'] === 'function_call' ||
      (item['type'] === 'reasoning' && Array.isArray(item['summary']) && item['summary'].length > 0),
  );
}

function sameItems(ours: JsonObject[], real: JsonObject[]): void {
  assert.deepEqual(
    ours.map((item) => item['type']),
    representable(real).map((item) => item['type']),
  );
  representable(real).forEach((item, index) => {
    const mine = ours[index]!;
    for (const key of Object.keys(mine))
      assert.ok(key in item, `${String(item['type'])} items have no ${key}`);
    if (item['type'] === 'message') {
      const texts = (content: unknown) =>
        (content as JsonObject[]).map((part) => ({ type: part['type'], text: part['text'] }));
      assert.deepEqual(texts(mine['content']), texts(item['content']));
    } else if (item['type'] === 'function_call') {
      for (const key of ['call_id', 'name', 'arguments', 'status']) assert.equal(mine[key], item[key], key);
    } else {
      const joined = (summary: unknown) => (summary as JsonObject[]).map((part) => part['text']).join('\n\n');
      assert.equal(joined(mine['summary']), joined(item['summary']));
    }
  });
}

function sameUsage(ours: unknown, real: unknown): void {
  assert.ok(isObject(ours) && isObject(real));
  for (const key of ['input_tokens', 'output_tokens', 'total_tokens'])
    assert.equal(ours[key], real[key], key);
  assert.deepEqual(
    (ours['input_tokens_details'] as JsonObject)['cached_tokens'],
    (real['input_tokens_details'] as JsonObject)['cached_tokens'],
  );
  assert.deepEqual(ours['output_tokens_details'], real['output_tokens_details']);
}

describe('openai-responses: recorded answers, re-encoded, have OpenAI’s shape', () => {
  for (const fixture of fixtures.filter((f) => f.response.status === 200 && isObject(f.response.body))) {
    test(`${fixture.name}: items, texts, calls and usage match the recording`, () => {
      const real = fixture.response.body as JsonObject;
      const ours = codec.encodeResponse(canonicalFromRecorded(real), context()) as unknown as JsonObject;
      assert.equal(ours['object'], real['object']);
      assert.equal(ours['status'], real['status']);
      sameItems(ours['output'] as JsonObject[], real['output'] as JsonObject[]);
      sameUsage(ours['usage'], real['usage']);
    });
  }
});

const OUR_EVENTS = new Set([
  'response.output_item.added',
  'response.output_item.done',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
]);

/** The recorded event names Switchyard would send too: its items only, renumbered. */
function representableNames(list: Frame[]): string[] {
  const kept = new Map<number, number>();
  const withSummary = new Set(
    list
      .filter((f) => f.data['type'] === 'response.reasoning_summary_part.added')
      .map((f) => f.data['output_index']),
  );
  for (const { data } of list) {
    if (data['type'] !== 'response.output_item.added') continue;
    const type = (data['item'] as JsonObject)['type'];
    const index = data['output_index'] as number;
    if (type === 'message' || type === 'function_call' || (type === 'reasoning' && withSummary.has(index))) {
      kept.set(index, kept.size);
    }
  }
  const out: string[] = [];
  for (const { data } of list) {
    const type = String(data['type']);
    const index = data['output_index'];
    if (typeof index !== 'number') {
      if (!type.startsWith('response.output_text.annotation')) out.push(type);
    } else if (kept.has(index) && OUR_EVENTS.has(type)) {
      out.push(`${type}#${kept.get(index)}`);
    }
  }
  return out;
}

describe('openai-responses: recorded streams, re-encoded', () => {
  for (const fixture of fixtures.filter((f) => f.response.sse !== undefined)) {
    test(`${fixture.name}: same events for Switchyard's items, same final answer in the SDK`, async () => {
      const sse = fixture.response.sse!;
      const canonical = canonicalEventsFromRecorded(sseEvents(sse));
      for (const seed of [1, 2, 3, 4, 5]) {
        assert.deepEqual(
          canonicalEventsFromRecorded(sseEvents(sse, seed)),
          canonical,
          `split with seed ${seed}`,
        );
      }
      const encoder = codec.streamEncoder(context());
      let ours = '';
      for (const event of canonical) ours += encoder.encode(event);
      ours += encoder.end();
      const list = frames(ours);
      assertWellFormed(list);
      const recorded = frames(sse);
      assert.deepEqual(names(list), representableNames(recorded));

      const mine = (await sdkStreamFinal(ours)) as JsonObject;
      const theirs = (await sdkStreamFinal(sse)) as JsonObject;
      assert.equal(mine['output_text'], theirs['output_text']);
      assert.equal(mine['status'], theirs['status']);
      sameItems(mine['output'] as JsonObject[], theirs['output'] as JsonObject[]);
      sameUsage(terminalResponse(list)?.['usage'], terminalResponse(recorded)?.['usage']);
    });
  }
});
