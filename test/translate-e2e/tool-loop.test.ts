// A whole tool loop through every translated pair: the backend asks for tools (recorded
// answers), the client's SDK runs them and sends the results back in its own dialect, and
// the second request the backend receives must hold the calls and their results in the
// backend's shape: OpenAI `role: "tool"` messages with `tool_call_id`, Anthropic
// `tool_result` blocks, Gemini `functionResponse` parts with the function's name. Gemini's
// thoughtSignature must come back on its function call through clients that have no field
// for it.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import type { Part } from '@google/genai';
import type OpenAI from 'openai';
import { isObject } from '../../src/canonical/wire.ts';
import { loadFixture } from '../fake-provider/index.ts';
import { collect, recorder, type SdkClients, sdkClients } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import { chatTools, geminiTools, messagesTools, responsesTools, type ToolSpec } from './clients.ts';
import {
  answerReply,
  asArray,
  asString,
  at,
  type Backend,
  type ClientDialect,
  PAIRS,
  parsedOr,
  upstreamBody,
} from './support.ts';

let rig: DataPlaneRig;
let sdks: SdkClients;

before(async () => {
  rig = await startDataPlane();
  sdks = sdkClients(rig.gw.url, recorder().fetch);
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const PROMPT = 'Use the tools, then answer.';

/** Per backend: a recorded answer asking for tools, and a recorded answer after the results. */
const LOOPS: Readonly<Record<Backend, { calls: string; after: string }>> = {
  vl: { calls: 'openai/chat-tools.json', after: 'openai/chat-basic.json' },
  an: {
    calls: 'anthropic/messages-tool-use-parallel.json',
    after: 'anthropic/messages-tool-result-followup.json',
  },
  gm: {
    calls: 'gemini/generate-function-call.json',
    after: 'gemini/generate-function-response-signature-replay.json',
  },
};

interface RecordedCall {
  /** The backend's own id ('' when it gave none). */
  id: string;
  name: string;
  arguments: unknown;
  signature?: string;
}

/** The tool calls a recorded (JSON) backend answer makes. */
function recordedCalls(name: string): RecordedCall[] {
  const { response } = loadFixture(name);
  if (response.sse !== undefined) return geminiStreamCalls(response.sse);
  const body = response.body;
  const message = at(body, 'choices', 0, 'message');
  if (message !== undefined) {
    return asArray(at(message, 'tool_calls')).map((call) => ({
      id: asString(at(call, 'id')),
      name: asString(at(call, 'function', 'name')),
      arguments: parsedOr(asString(at(call, 'function', 'arguments'))),
    }));
  }
  const content = at(body, 'content');
  if (Array.isArray(content)) {
    return content
      .filter((block) => at(block, 'type') === 'tool_use')
      .map((block) => ({
        id: asString(at(block, 'id')),
        name: asString(at(block, 'name')),
        arguments: at(block, 'input'),
      }));
  }
  return asArray(at(body, 'candidates', 0, 'content', 'parts'))
    .filter((part) => isObject(at(part, 'functionCall')))
    .map((part) => {
      const call: RecordedCall = {
        id: asString(at(part, 'functionCall', 'id')),
        name: asString(at(part, 'functionCall', 'name')),
        arguments: at(part, 'functionCall', 'args') ?? {},
      };
      const signature = at(part, 'thoughtSignature');
      if (typeof signature === 'string') call.signature = signature;
      return call;
    });
}

function toolSpecs(calls: RecordedCall[]): ToolSpec[] {
  return [...new Set(calls.map((call) => call.name))].map((name) => ({
    name,
    description: `the ${name} tool`,
    parameters: { type: 'object', properties: {} },
  }));
}

/** What the tool "returned" for the n-th call. */
const resultText = (n: number): string => `result number ${n}`;

/** Drives one tool loop through a client's SDK; returns the ids the client saw on turn 1. */
async function runLoop(
  client: ClientDialect,
  backend: Backend,
  answers: { calls: string; after: string },
  options: { stream?: boolean } = {},
): Promise<string[]> {
  const tools = toolSpecs(recordedCalls(answers.calls));
  rig.fake.enqueue(answerReply(answers.calls));
  rig.fake.enqueue(answerReply(answers.after));
  switch (client) {
    case 'chat': {
      const params = { model: backend, tools: chatTools(tools) };
      const user: OpenAI.Chat.Completions.ChatCompletionMessageParam = { role: 'user', content: PROMPT };
      const first = options.stream
        ? await sdks.openai.chat.completions.stream({ ...params, messages: [user] }).finalChatCompletion()
        : await sdks.openai.chat.completions.create({ ...params, messages: [user] });
      const message = first.choices[0]!.message;
      const calls = (message.tool_calls ?? []).filter((call) => call.type === 'function');
      await sdks.openai.chat.completions.create({
        ...params,
        messages: [
          user,
          { role: 'assistant', content: message.content, tool_calls: calls },
          ...calls.map((call, n) => ({
            role: 'tool' as const,
            tool_call_id: call.id,
            content: resultText(n),
          })),
        ],
      });
      return calls.map((call) => call.id);
    }
    case 'responses': {
      const params = { model: backend, tools: responsesTools(tools) };
      const first = options.stream
        ? await sdks.openai.responses.stream({ ...params, input: PROMPT }).finalResponse()
        : await sdks.openai.responses.create({ ...params, input: PROMPT });
      const calls = first.output.flatMap((item) => (item.type === 'function_call' ? [item] : []));
      await sdks.openai.responses.create({
        ...params,
        input: [
          { role: 'user', content: PROMPT },
          ...(first.output as OpenAI.Responses.ResponseInputItem[]),
          ...calls.map((call, n) => ({
            type: 'function_call_output' as const,
            call_id: call.call_id,
            output: resultText(n),
          })),
        ],
      });
      return calls.map((call) => call.call_id);
    }
    case 'messages': {
      const params = { model: backend, max_tokens: 1024, tools: messagesTools(tools) };
      const user: Anthropic.Messages.MessageParam = { role: 'user', content: PROMPT };
      const first = options.stream
        ? await sdks.anthropic.messages.stream({ ...params, messages: [user] }).finalMessage()
        : await sdks.anthropic.messages.create({ ...params, messages: [user] });
      const uses = first.content.filter((block) => block.type === 'tool_use');
      await sdks.anthropic.messages.create({
        ...params,
        messages: [
          user,
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: uses.map((use, n) => ({
              type: 'tool_result' as const,
              tool_use_id: use.id,
              content: resultText(n),
            })),
          },
        ],
      });
      return uses.map((use) => use.id);
    }
    case 'gemini': {
      const chat = sdks.gemini.chats.create({ model: backend, config: { tools: geminiTools(tools) } });
      const calls = options.stream
        ? (await collect(await chat.sendMessageStream({ message: PROMPT }))).flatMap(
            (c) => c.functionCalls ?? [],
          )
        : ((await chat.sendMessage({ message: PROMPT })).functionCalls ?? []);
      const responses: Part[] = calls.map((call, n) => ({
        functionResponse: { id: call.id, name: call.name, response: { result: resultText(n) } },
      }));
      await chat.sendMessage({ message: responses });
      return calls.map((call) => call.id ?? '');
    }
  }
}

interface BackendCall {
  id: string;
  name: string;
  arguments: unknown;
  signature?: string;
}

interface BackendResult {
  id: string;
  name?: string;
  content: string;
}

/** The calls and results in the second request, read in the backend's own dialect. */
function secondTurn(backend: Backend): { calls: BackendCall[]; results: BackendResult[] } {
  assert.equal(rig.fake.requests.length, 2, 'two backend requests');
  const body = upstreamBody(rig.fake.requests[1]!);
  switch (backend) {
    case 'vl': {
      const messages = asArray(body['messages']);
      const at0 = messages.findIndex((m) => at(m, 'role') === 'assistant');
      const assistant = messages[at0];
      const calls = asArray(at(assistant, 'tool_calls')).map((call) => {
        assert.equal(at(call, 'type'), 'function');
        return {
          id: asString(at(call, 'id')),
          name: asString(at(call, 'function', 'name')),
          arguments: parsedOr(asString(at(call, 'function', 'arguments'))),
        };
      });
      const after = messages.slice(at0 + 1);
      const tools = after.filter((m) => at(m, 'role') === 'tool');
      assert.equal(tools.length, after.length, 'only tool messages follow the assistant turn');
      return {
        calls,
        results: tools.map((m) => ({
          id: asString(at(m, 'tool_call_id')),
          content: asString(at(m, 'content')),
        })),
      };
    }
    case 'an': {
      const messages = asArray(body['messages']);
      assert.deepEqual(
        messages.map((m) => at(m, 'role')),
        ['user', 'assistant', 'user'],
      );
      const calls = asArray(at(messages[1], 'content'))
        .filter((b) => at(b, 'type') === 'tool_use')
        .map((b) => ({
          id: asString(at(b, 'id')),
          name: asString(at(b, 'name')),
          arguments: at(b, 'input'),
        }));
      const blocks = asArray(at(messages[2], 'content'));
      for (const b of blocks)
        assert.equal(at(b, 'type'), 'tool_result', 'the user turn holds tool_result blocks');
      return {
        calls,
        results: blocks.map((b) => ({
          id: asString(at(b, 'tool_use_id')),
          content: asArray(at(b, 'content'))
            .map((c) => asString(at(c, 'text')))
            .join(''),
        })),
      };
    }
    case 'gm': {
      const contents = asArray(body['contents']);
      assert.deepEqual(
        contents.map((c) => at(c, 'role')),
        ['user', 'model', 'user'],
      );
      const calls = asArray(at(contents[1], 'parts'))
        .filter((p) => isObject(at(p, 'functionCall')))
        .map((p) => {
          const call: BackendCall = {
            id: asString(at(p, 'functionCall', 'id')),
            name: asString(at(p, 'functionCall', 'name')),
            arguments: at(p, 'functionCall', 'args'),
          };
          const signature = at(p, 'thoughtSignature');
          if (typeof signature === 'string') call.signature = signature;
          return call;
        });
      const parts = asArray(at(contents[2], 'parts'));
      for (const p of parts)
        assert.ok(isObject(at(p, 'functionResponse')), 'the user turn holds functionResponse parts');
      return {
        calls,
        results: parts.map((p) => ({
          id: asString(at(p, 'functionResponse', 'id')),
          name: asString(at(p, 'functionResponse', 'name')),
          content: JSON.stringify(at(p, 'functionResponse', 'response')),
        })),
      };
    }
  }
}

describe('tool loop through every translated pair', () => {
  test('the translated pairs are the nine of issue #4', () => {
    assert.deepEqual(
      PAIRS.map(({ client, backend }) => `${client}→${backend}`),
      [
        'chat→an',
        'chat→gm',
        'responses→vl',
        'responses→an',
        'responses→gm',
        'messages→vl',
        'messages→gm',
        'gemini→vl',
        'gemini→an',
      ],
    );
  });

  for (const { client, backend } of PAIRS) {
    test(`${client} client ↔ ${backend}`, async () => {
      const answers = LOOPS[backend];
      const recorded = recordedCalls(answers.calls);
      assert.ok(recorded.length > 0);
      const clientIds = await runLoop(client, backend, answers);
      assert.equal(clientIds.length, recorded.length, 'the client saw every call');

      const { calls, results } = secondTurn(backend);
      assert.deepEqual(
        calls.map(({ name, arguments: args }) => ({ name, arguments: args })),
        recorded.map(({ name, arguments: args }) => ({ name, arguments: args })),
        'the calls go back as the backend made them',
      );
      recorded.forEach((call, n) => {
        if (call.id !== '') assert.equal(calls[n]!.id, call.id, 'the backend’s own call id comes back');
      });
      assert.equal(new Set(calls.map((call) => call.id)).size, calls.length, 'call ids are distinct');
      assert.deepEqual(
        results.map((result) => result.id),
        calls.map((call) => call.id),
        'each result answers its call, in order',
      );
      results.forEach((result, n) => {
        assert.ok(result.content.includes(resultText(n)), `result ${n} carries the tool's output`);
        if (backend === 'gm')
          assert.equal(result.name, calls[n]!.name, 'functionResponse names the function');
      });
    });
  }
});

describe('Gemini thoughtSignature comes back on the function call it signed', () => {
  const cases: readonly { calls: string; stream: boolean }[] = [
    { calls: 'gemini/generate-function-call-thought-signature.json', stream: false },
    { calls: 'gemini/generate-gemini3-function-call-signature.json', stream: false },
    { calls: 'gemini/stream-sse-function-call-thought-signature.json', stream: true },
  ];
  const clients: readonly ClientDialect[] = ['chat', 'messages', 'responses'];
  for (const { calls: answer, stream } of cases) {
    for (const client of clients) {
      test(`${answer} through ${client}${stream ? ' (streamed)' : ''}`, async () => {
        const recorded = recordedCalls(answer);
        assert.ok(recorded[0]?.signature, 'the recorded first call is signed');
        await runLoop(client, 'gm', { calls: answer, after: LOOPS.gm.after }, { stream });
        const { calls, results } = secondTurn('gm');
        assert.deepEqual(
          calls.map((call) => ({ name: call.name, signature: call.signature })),
          recorded.map((call) => ({ name: call.name, signature: call.signature })),
          'each call carries exactly the signature Gemini gave it',
        );
        assert.deepEqual(
          results.map((result) => result.name),
          recorded.map((call) => call.name),
        );
      });
    }
  }
});

/** The function calls of a recorded Gemini SSE stream. */
function geminiStreamCalls(sse: string): RecordedCall[] {
  const frames = sse
    .split(/\r?\n\r?\n/)
    .filter((frame) => frame.startsWith('data:'))
    .map((frame): unknown => JSON.parse(frame.slice(5)));
  return frames.flatMap((frame) =>
    asArray(at(frame, 'candidates', 0, 'content', 'parts'))
      .filter((part) => isObject(at(part, 'functionCall')))
      .map((part) => {
        const call: RecordedCall = {
          id: '',
          name: asString(at(part, 'functionCall', 'name')),
          arguments: at(part, 'functionCall', 'args') ?? {},
        };
        const signature = at(part, 'thoughtSignature');
        if (typeof signature === 'string') call.signature = signature;
        return call;
      }),
  );
}
