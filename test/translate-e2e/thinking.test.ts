// Thinking carried across dialects: Anthropic's signed and redacted thinking (recorded) reaches
// OpenAI chat as reasoning_content, Responses as reasoning items whose encrypted_content holds
// the signature, Gemini as thought parts with a thoughtSignature; and what a client keeps goes
// back to Anthropic signed on the next turn. Gemini thoughts and vLLM reasoning reach an
// Anthropic client as thinking blocks.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type Content, GoogleGenAI } from '@google/genai';
import type OpenAI from 'openai';
import { isObject } from '../../src/canonical/wire.ts';
import { loadFixture } from '../fake-provider/index.ts';
import { CLIENT_KEY, collect, recorder, type SdkClients, sdkClients } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import { askClient, mergeGeminiChunks, type Question } from './clients.ts';
import {
  answerReply,
  asArray,
  asString,
  at,
  type ClientDialect,
  onlyUpstream,
  plain,
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

const question: Question = { prompt: 'How do I cross the street?', tools: [] };

/** The thinking blocks of a recorded Anthropic answer (JSON body, or the stream's deltas). */
function recordedThinking(name: string): { thinking: string; signature: string }[] {
  const { response } = loadFixture(name);
  if (response.body !== undefined) {
    return asArray(at(response.body, 'content'))
      .filter((block) => at(block, 'type') === 'thinking')
      .map((block) => ({
        thinking: asString(at(block, 'thinking')),
        signature: asString(at(block, 'signature')),
      }));
  }
  const blocks = new Map<number, { thinking: string; signature: string }>();
  for (const line of (response.sse ?? '').split('\n')) {
    if (!line.startsWith('data:')) continue;
    const event: unknown = JSON.parse(line.slice(5));
    const index = at(event, 'index');
    if (typeof index !== 'number') continue;
    if (at(event, 'content_block', 'type') === 'thinking') blocks.set(index, { thinking: '', signature: '' });
    const block = blocks.get(index);
    if (!block) continue;
    block.thinking += asString(at(event, 'delta', 'thinking'));
    block.signature += asString(at(event, 'delta', 'signature'));
  }
  return [...blocks.values()];
}

/** The redacted_thinking data of a recorded Anthropic answer. */
function recordedRedacted(name: string): string[] {
  const { response } = loadFixture(name);
  const blocks =
    response.body !== undefined
      ? asArray(at(response.body, 'content'))
      : (response.sse ?? '')
          .split('\n')
          .filter((line) => line.startsWith('data:') && line.includes('"content_block_start"'))
          .map((line) => at(JSON.parse(line.slice(5)), 'content_block'));
  return blocks
    .filter((block) => at(block, 'type') === 'redacted_thinking')
    .map((b) => asString(at(b, 'data')));
}

const SIGNED: readonly { answer: string; stream: boolean }[] = [
  { answer: 'anthropic/messages-thinking.json', stream: false },
  { answer: 'anthropic/messages-stream-thinking.json', stream: true },
  { answer: 'anthropic/messages-stream-thinking-haiku.json', stream: true },
];

describe('Anthropic signed thinking reaches every client with its signature where the dialect has room', () => {
  for (const { answer, stream } of SIGNED) {
    const [block] = recordedThinking(answer);
    assert.ok(block && block.thinking !== '' && block.signature !== '', `${answer} has signed thinking`);

    test(`${answer} → OpenAI chat: reasoning_content, no signature anywhere`, async () => {
      rig.fake.enqueue(answerReply(answer));
      const seen = await askClient(sdks, 'chat', 'an', question, stream);
      assert.equal(seen.reasoning, block.thinking);
      assert.ok(!JSON.stringify(seen.raw).includes(block.signature), 'the signature is not shown as text');
    });

    test(`${answer} → Responses: a reasoning item, summary = thinking, encrypted_content carries the signature`, async () => {
      rig.fake.enqueue(answerReply(answer));
      const seen = await askClient(sdks, 'responses', 'an', question, stream);
      const reasoning = asArray(at(seen.raw, 'output')).filter((item) => at(item, 'type') === 'reasoning');
      assert.equal(reasoning.length, 1);
      assert.deepEqual(at(reasoning[0], 'summary'), [{ type: 'summary_text', text: block.thinking }]);
      assert.equal(at(reasoning[0], 'encrypted_content'), `switchyard:signature:${block.signature}`);
      assert.equal(at(seen.raw, 'output', 0, 'type'), 'reasoning', 'the reasoning item comes first');
    });

    test(`${answer} → Gemini: a thought part signed with the thinking's signature`, async () => {
      rig.fake.enqueue(answerReply(answer));
      const seen = await askClient(sdks, 'gemini', 'an', question, stream);
      const parts = asArray(at(seen.raw, 'candidates', 0, 'content', 'parts'));
      assert.deepEqual(parts[0], { text: block.thinking, thought: true, thoughtSignature: block.signature });
      assert.equal(at(parts[1], 'thought'), undefined, 'the answer text follows as a plain part');
    });
  }
});

describe('Anthropic redacted thinking', () => {
  for (const { answer, stream } of [
    { answer: 'anthropic/messages-redacted-thinking.json', stream: false },
    { answer: 'anthropic/messages-stream-redacted-thinking.json', stream: true },
  ]) {
    const data = recordedRedacted(answer);
    assert.ok(data.length > 0, `${answer} has redacted thinking`);

    test(`${answer} → Responses: reasoning items with empty summaries carry the data`, async () => {
      rig.fake.enqueue(answerReply(answer));
      const seen = await askClient(sdks, 'responses', 'an', question, stream);
      const items = asArray(at(seen.raw, 'output')).filter((item) => at(item, 'type') === 'reasoning');
      assert.deepEqual(
        items.map((item) => at(item, 'encrypted_content')),
        data.map((d) => `switchyard:redacted:${d}`),
      );
      for (const item of items) assert.deepEqual(at(item, 'summary'), []);
      assert.notEqual(seen.text, '', 'the answer text is kept');
    });

    test(`${answer} → Gemini: empty thought parts whose signature carries the data`, async () => {
      rig.fake.enqueue(answerReply(answer));
      const seen = await askClient(sdks, 'gemini', 'an', question, stream);
      const thoughts = asArray(at(seen.raw, 'candidates', 0, 'content', 'parts')).filter(
        (part) => at(part, 'thought') === true,
      );
      assert.deepEqual(
        thoughts.map((part) =>
          Buffer.from(asString(at(part, 'thoughtSignature')), 'base64').toString('utf8'),
        ),
        data.map((d) => `switchyard.redacted_thinking:${d}`),
      );
    });

    test(`${answer} → OpenAI chat: the answer text only`, async () => {
      rig.fake.enqueue(answerReply(answer));
      const seen = await askClient(sdks, 'chat', 'an', question, stream);
      assert.notEqual(seen.text, '');
      assert.equal(seen.reasoning, '');
      for (const d of data) assert.ok(!JSON.stringify(seen.raw).includes(d.slice(0, 40)));
    });
  }
});

describe('what a client keeps of Anthropic thinking goes back signed on the next turn', () => {
  const recorded = recordedThinking('anthropic/messages-thinking.json')[0]!;

  /** The assistant turn Anthropic received on the second request. */
  function secondTurnAssistant(): unknown[] {
    const body = upstreamBody(rig.fake.requests[1]!);
    const assistant = asArray(body['messages']).find((m) => at(m, 'role') === 'assistant');
    return asArray(at(assistant, 'content'));
  }

  test('Responses: the reasoning item sent back becomes the signed thinking block', async () => {
    rig.fake.enqueue(answerReply('anthropic/messages-thinking.json'));
    const first = await sdks.openai.responses.create({ model: 'an', input: question.prompt });
    rig.fake.enqueue(answerReply('anthropic/messages-text-basic.json'));
    const input: OpenAI.Responses.ResponseInput = [
      { role: 'user', content: question.prompt },
      ...(first.output as OpenAI.Responses.ResponseInputItem[]),
      { role: 'user', content: 'Thanks. And at night?' },
    ];
    await sdks.openai.responses.create({ model: 'an', input });
    assert.equal(rig.fake.requests.length, 2);
    assert.deepEqual(secondTurnAssistant()[0], {
      type: 'thinking',
      thinking: recorded.thinking,
      signature: recorded.signature,
    });
  });

  test('Gemini: the signed thought part in history becomes the signed thinking block', async () => {
    rig.fake.enqueue(answerReply('anthropic/messages-thinking.json'));
    const first = plain(await sdks.gemini.models.generateContent({ model: 'an', contents: question.prompt }));
    rig.fake.enqueue(answerReply('anthropic/messages-text-basic.json'));
    const contents: Content[] = [
      { role: 'user', parts: [{ text: question.prompt }] },
      at(first, 'candidates', 0, 'content') as Content,
      { role: 'user', parts: [{ text: 'Thanks. And at night?' }] },
    ];
    await sdks.gemini.models.generateContent({ model: 'an', contents });
    assert.deepEqual(secondTurnAssistant()[0], {
      type: 'thinking',
      thinking: recorded.thinking,
      signature: recorded.signature,
    });
  });

  test('Gemini chat session (streamed): the SDK-kept history carries the signature back', async () => {
    const gemini = new GoogleGenAI({
      apiKey: CLIENT_KEY,
      httpOptions: { baseUrl: rig.gw.url, fetch: recorder().fetch },
    });
    const chat = gemini.chats.create({ model: 'an' });
    rig.fake.enqueue(answerReply('anthropic/messages-stream-thinking.json'));
    await collect(await chat.sendMessageStream({ message: question.prompt }));
    rig.fake.enqueue(answerReply('anthropic/messages-stream-text.json'));
    await collect(await chat.sendMessageStream({ message: 'Thanks. And at night?' }));
    const streamed = recordedThinking('anthropic/messages-stream-thinking.json')[0]!;
    assert.deepEqual(secondTurnAssistant()[0], {
      type: 'thinking',
      thinking: streamed.thinking,
      signature: streamed.signature,
    });
  });

  test('Responses tool loop with thinking on: thinking, tool_use and tool_result reach Anthropic in order', async () => {
    const answer = 'anthropic/messages-thinking-tool-use.json';
    const body = loadFixture(answer).response.body;
    const thinking = asArray(at(body, 'content')).find((b) => at(b, 'type') === 'thinking');
    const toolUse = asArray(at(body, 'content')).find((b) => at(b, 'type') === 'tool_use');
    rig.fake.enqueue(answerReply(answer));
    const tools: OpenAI.Responses.FunctionTool[] = [
      {
        type: 'function',
        name: 'get_user_country',
        parameters: { type: 'object', properties: {} },
        strict: false,
      },
    ];
    const params = { model: 'an', reasoning: { effort: 'low' as const, summary: 'auto' as const }, tools };
    const first = await sdks.openai.responses.create({ ...params, input: 'Largest city in my country?' });
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.equal(call.call_id, at(toolUse, 'id'));

    rig.fake.enqueue(answerReply('anthropic/messages-thinking-replay-tool-result.json'));
    await sdks.openai.responses.create({
      ...params,
      input: [
        { role: 'user', content: 'Largest city in my country?' },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: call.call_id, output: 'Mexico' },
      ],
    });
    const second = upstreamBody(rig.fake.requests[1]!);
    assert.ok(isObject(second['thinking']), 'thinking stays on for the tool turn');
    const assistant = secondTurnAssistant();
    assert.deepEqual(
      assistant.map((b) => at(b, 'type')),
      asArray(at(body, 'content')).map((b) => at(b, 'type')),
      'the assistant turn replays thinking, text and tool_use in order',
    );
    assert.equal(at(assistant[0], 'signature'), at(thinking, 'signature'));
    const user = asArray(second['messages']).at(-1);
    assert.deepEqual(at(user, 'content', 0), {
      type: 'tool_result',
      tool_use_id: at(toolUse, 'id'),
      content: [{ type: 'text', text: 'Mexico' }],
    });
  });
});

describe('other backends’ reasoning reaches an Anthropic client as thinking blocks', () => {
  const cases: readonly { backend: 'gm' | 'vl'; answer: string; stream: boolean }[] = [
    { backend: 'gm', answer: 'gemini/generate-thinking-parts.json', stream: false },
    { backend: 'gm', answer: 'gemini/stream-sse-thinking.json', stream: true },
    { backend: 'vl', answer: 'e2e:vllm-reasoning-text.json', stream: false },
    { backend: 'vl', answer: 'e2e:vllm-stream-reasoning-text.json', stream: true },
  ];
  for (const { backend, answer, stream } of cases) {
    test(`${answer}: a thinking block first, then the text`, async () => {
      rig.fake.enqueue(answerReply(answer));
      const seen = await askClient(sdks, 'messages', backend, question, stream);
      const content = asArray(at(seen.raw, 'content'));
      assert.deepEqual(
        content.map((block) => at(block, 'type')),
        ['thinking', 'text'],
      );
      assert.notEqual(seen.reasoning, '');
      onlyUpstream(rig);
    });
  }

  test('Gemini thought parts stream to Anthropic as thinking_delta events in one thinking block', async () => {
    rig.fake.enqueue(answerReply('gemini/stream-sse-thinking.json'));
    const events = await collect(
      await sdks.anthropic.messages.create({
        model: 'gm',
        max_tokens: 1024,
        messages: [{ role: 'user', content: question.prompt }],
        stream: true,
      }),
    );
    const starts = events.filter((e) => e.type === 'content_block_start').map((e) => e.content_block.type);
    assert.deepEqual(starts, ['thinking', 'text']);
    const deltas = events.filter((e) => e.type === 'content_block_delta');
    assert.ok(deltas.some((e) => e.delta.type === 'thinking_delta'));
    assert.ok(deltas.filter((e) => e.index === 0).every((e) => e.delta.type !== 'text_delta'));
  });

  const others: readonly ClientDialect[] = ['chat', 'responses'];
  for (const client of others) {
    test(`Gemini thoughts → ${client}: the thought text is the reasoning`, async () => {
      rig.fake.enqueue(answerReply('gemini/stream-sse-thinking.json'));
      const seen = await askClient(sdks, client, 'gm', question, true);
      const recorded = mergeGeminiChunks(
        (loadFixture('gemini/stream-sse-thinking.json').response.sse ?? '')
          .split(/\r?\n\r?\n/)
          .filter((frame) => frame.startsWith('data:'))
          .map((frame) => JSON.parse(frame.slice(5))),
      );
      const thought = asArray(at(recorded, 'candidates', 0, 'content', 'parts')).find(
        (part) => at(part, 'thought') === true,
      );
      assert.equal(seen.reasoning, at(thought, 'text'));
    });
  }
});
