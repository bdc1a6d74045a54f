// Every backend answer in test/data/translation/e2e/answers.json, replayed by the fake backend,
// read through every client dialect that reaches that backend by translation, streamed when
// the answer is a stream: the SDK must see the right text, reasoning, tool calls (name and
// parsed arguments), stop reason and usage numbers.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isObject } from '../../src/canonical/wire.ts';
import { recorder, type SdkClients, sdkClients } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import {
  askClient,
  type CanonicalUsage,
  expectedStop,
  expectedUsage,
  type Question,
  type Stop,
  type ToolSpec,
} from './clients.ts';
import {
  answerIsStream,
  answerReply,
  asArray,
  at,
  type Backend,
  clientsOf,
  onlyUpstream,
  readTable,
  upstreamBody,
  upstreamPath,
} from './support.ts';

interface Answer {
  backend: Backend;
  answer: string;
  stream: boolean;
  note: string;
  expect: {
    text: string;
    reasoning: string;
    toolCalls: { name: string; arguments: unknown }[];
    stop: Stop;
    usage: CanonicalUsage | null;
  };
}

function answers(): Answer[] {
  const table = readTable('answers.json');
  assert.ok(isObject(table) && Array.isArray(table['answers']), 'answers.json has answers');
  return table['answers'].map((entry): Answer => {
    assert.ok(isObject(entry) && isObject(entry['expect']), 'an answer has expectations');
    const answer = entry as unknown as Answer;
    assert.ok(['vl', 'an', 'gm'].includes(answer.backend), `backend of ${answer.answer}`);
    assert.equal(answer.stream, answerIsStream(answer.answer), `${answer.answer}: stream flag`);
    return answer;
  });
}

function toolsFor(answer: Answer): ToolSpec[] {
  const names = [...new Set(answer.expect.toolCalls.map((call) => call.name))];
  return names.map((name) => ({
    name,
    description: `the ${name} tool`,
    parameters: { type: 'object', properties: {} },
  }));
}

let rig: DataPlaneRig;
let sdks: SdkClients;

before(async () => {
  rig = await startDataPlane();
  sdks = sdkClients(rig.gw.url, recorder().fetch);
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

for (const answer of answers()) {
  describe(`${answer.backend} answers ${answer.answer} (${answer.note})`, () => {
    for (const client of clientsOf(answer.backend)) {
      test(`${client} client, ${answer.stream ? 'streamed' : 'not streamed'}`, async () => {
        rig.fake.enqueue(answerReply(answer.answer));
        const question: Question = { prompt: 'Please answer.', tools: toolsFor(answer) };
        const seen = await askClient(sdks, client, answer.backend, question, answer.stream);

        const up = onlyUpstream(rig);
        const { path, query } = upstreamPath(answer.backend, answer.stream);
        assert.equal(up.path, path, 'backend path');
        assert.equal(up.query, query, 'backend query');
        if (answer.backend !== 'gm') {
          assert.equal(upstreamBody(up)['stream'] === true, answer.stream, 'backend stream flag');
        }

        const { expect } = answer;
        assert.equal(seen.text, expect.text, 'text');
        assert.equal(seen.reasoning, expect.reasoning, 'reasoning');
        assert.deepEqual(
          seen.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args })),
          expect.toolCalls,
          'tool calls (name, parsed arguments)',
        );
        for (const call of seen.toolCalls) assert.ok(call.id !== '', 'every tool call has an id');
        assert.equal(
          new Set(seen.toolCalls.map((call) => call.id)).size,
          seen.toolCalls.length,
          'tool-call ids are unique',
        );
        if (client === 'gemini' && expect.stop === 'tool') {
          assert.ok(seen.toolCalls.length > 0, 'Gemini signals a tool turn by its functionCall parts');
        }
        assert.equal(seen.stop, expectedStop(client, expect.stop), 'stop reason');

        if (expect.usage) {
          assert.deepEqual(seen.usage, expectedUsage(client, expect.usage), 'usage');
        } else if (client === 'messages') {
          // No usage from the backend: message_start still reports the prompt size (an estimate).
          assert.ok((seen.usage?.['input_tokens'] ?? 0) > 0, 'input_tokens estimated');
        }
      });
    }
  });
}

describe('a tool call without arguments reaches OpenAI clients with "{}" as its arguments, streamed or not', () => {
  const cases: readonly { answer: string; stream: boolean }[] = [
    { answer: 'anthropic/messages-tool-use-forced.json', stream: false },
    { answer: 'anthropic/messages-stream-tool-use-parallel-empty-input.json', stream: true },
    { answer: 'anthropic/messages-stream-thinking-tool-use.json', stream: true },
  ];
  for (const { answer, stream } of cases) {
    for (const client of ['chat', 'responses'] as const) {
      test(`${answer} → ${client}`, async () => {
        rig.fake.enqueue(answerReply(answer));
        const question: Question = {
          prompt: 'Go.',
          tools: [
            { name: 'any_tool', description: 'a tool', parameters: { type: 'object', properties: {} } },
          ],
        };
        const seen = await askClient(sdks, client, 'an', question, stream);
        const calls =
          client === 'chat'
            ? asArray(at(seen.raw, 'choices', 0, 'message', 'tool_calls')).map((c) =>
                at(c, 'function', 'arguments'),
              )
            : asArray(at(seen.raw, 'output'))
                .filter((item) => at(item, 'type') === 'function_call')
                .map((item) => at(item, 'arguments'));
        assert.ok(calls.length > 0);
        for (const args of calls) assert.equal(args, '{}', 'arguments are the JSON text of an empty object');
      });
    }
  }
});
