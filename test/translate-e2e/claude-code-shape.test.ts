// A request shaped the way Claude Code sends it, to an OpenAI-compatible backend (vLLM):
// system blocks with cache_control, a `role: "system"` turn among the messages, tools without
// `type`, cache_control on content, and a signed thinking block in the history. What vLLM
// receives must be plain chat completions: the system prompt in one leading system message,
// tools as functions, no cache_control, no thinking. The answer must stream back as a strict
// Anthropic event stream.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SseDecoder, type SseEvent } from '../../src/transport/sse-decoder.ts';
import { CLIENT_KEY } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import { answerReply, asArray, asString, at, onlyUpstream, upstreamBody } from './support.ts';

let rig: DataPlaneRig;

before(async () => {
  rig = await startDataPlane();
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const EPHEMERAL = { type: 'ephemeral' };
const ATTRIBUTION = 'x-anthropic-billing-header: cc_version=2.1.30.abc; cc_entrypoint=cli';
const IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";
const INSTRUCTIONS = 'You are an interactive CLI tool that helps users with software engineering tasks.';
const IN_PLACE_SYSTEM = 'The user switched the working directory to /tmp/project.';
const THOUGHT = 'The user wants the files listed; the Bash tool with ls does it.';
const SIGNATURE = 'EqQBCkYIBhgCKkBFakeSignatureOfTheThinkingBlockInHistoryAAAA==';

const TOOLS = [
  {
    name: 'Bash',
    description: 'Executes a given bash command',
    input_schema: {
      type: 'object',
      properties: { command: { type: 'string' }, description: { type: 'string' } },
      required: ['command'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
  {
    name: 'Read',
    description: 'Reads a file',
    input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
    cache_control: EPHEMERAL,
  },
];

function claudeCodeRequest(system: { type: 'text'; text: string; cache_control?: unknown }[]): unknown {
  return {
    model: 'vl',
    max_tokens: 32000,
    stream: true,
    system,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>Be concise.</system-reminder>' },
          { type: 'text', text: 'List the files here.', cache_control: EPHEMERAL },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: THOUGHT, signature: SIGNATURE },
          { type: 'text', text: 'I will list them.' },
          {
            type: 'tool_use',
            id: 'toolu_01Bash',
            name: 'Bash',
            input: { command: 'ls', description: 'List files' },
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_01Bash',
            content: 'a.txt\nb.txt',
            cache_control: EPHEMERAL,
          },
        ],
      },
      { role: 'system', content: IN_PLACE_SYSTEM },
      { role: 'user', content: [{ type: 'text', text: 'Now count them.', cache_control: EPHEMERAL }] },
    ],
    tools: TOOLS,
    tool_choice: { type: 'auto' },
    thinking: { type: 'enabled', budget_tokens: 4000 },
    metadata: { user_id: 'user_abc_account_123_session_456' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  };
}

/** Sends the request as Claude Code does (raw, streamed) and returns the client's events. */
async function send(body: unknown): Promise<SseEvent[]> {
  rig.fake.enqueue(answerReply('e2e:vllm-stream-tool-call.json'));
  const response = await fetch(`${rig.gw.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': CLIENT_KEY,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
    },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const decoder = new SseDecoder();
  return [...decoder.push(new Uint8Array(await response.arrayBuffer())), ...decoder.end()].filter(
    (frame): frame is SseEvent => frame.type === 'event',
  );
}

/** The roles of the messages vLLM received, and the system messages' texts. */
function upstreamMessages(): { roles: string[]; messages: unknown[]; raw: string } {
  const up = onlyUpstream(rig);
  assert.equal(up.path, '/v1/chat/completions');
  const messages = asArray(upstreamBody(up)['messages']);
  return { roles: messages.map((m) => asString(at(m, 'role'))), messages, raw: up.rawBody.toString('utf8') };
}

/** Every system message comes before the conversation starts. */
function systemLeads(roles: string[]): void {
  const firstOther = roles.findIndex((role) => role !== 'system');
  assert.ok(firstOther > 0, 'the conversation opens with the system prompt');
  assert.ok(
    roles.slice(firstOther).every((role) => role !== 'system'),
    `no system message after the conversation starts: ${roles.join(', ')}`,
  );
}

describe('Claude Code request shape to vLLM', () => {
  test('system blocks and an in-place system turn: one leading system message', async () => {
    await send(
      claudeCodeRequest([
        { type: 'text', text: INSTRUCTIONS, cache_control: EPHEMERAL },
        { type: 'text', text: 'Working directory: /tmp/project', cache_control: EPHEMERAL },
      ]),
    );
    const { roles, messages } = upstreamMessages();
    systemLeads(roles);
    assert.equal(
      roles.filter((role) => role === 'system').length,
      1,
      `one system message: ${roles.join(', ')}`,
    );
    const system = asString(at(messages[0], 'content'));
    assert.ok(system.startsWith(`${INSTRUCTIONS}\nWorking directory: /tmp/project`), system);
    assert.ok(system.includes(IN_PLACE_SYSTEM), 'the in-place system text is part of it');
  });

  test('with the attribution block: it stays first and unchanged, the rest follows in one system message', async () => {
    await send(
      claudeCodeRequest([
        { type: 'text', text: ATTRIBUTION },
        { type: 'text', text: IDENTITY, cache_control: EPHEMERAL },
        { type: 'text', text: INSTRUCTIONS, cache_control: EPHEMERAL },
      ]),
    );
    const { roles, messages } = upstreamMessages();
    systemLeads(roles);
    assert.deepEqual(messages[0], { role: 'system', content: ATTRIBUTION });
    assert.equal(roles.filter((role) => role === 'system').length, 2, roles.join(', '));
    const rest = asString(at(messages[1], 'content'));
    assert.ok(rest.startsWith(`${IDENTITY}\n${INSTRUCTIONS}`), rest);
    assert.ok(rest.includes(IN_PLACE_SYSTEM));
  });

  test('tools as functions; no cache_control, no thinking; history as chat messages', async () => {
    const events = await send(
      claudeCodeRequest([{ type: 'text', text: INSTRUCTIONS, cache_control: EPHEMERAL }]),
    );
    const { messages, raw } = upstreamMessages();
    const body = upstreamBody(onlyUpstream(rig));

    assert.ok(!raw.includes('cache_control'), 'no cache_control anywhere');
    assert.ok(!raw.includes('"thinking"'), 'no thinking parameter or block');
    assert.ok(!raw.includes(THOUGHT) && !raw.includes(SIGNATURE), 'no thinking text or signature');
    assert.ok(!raw.includes('context_management'), 'no context_management');
    assert.equal(body['model'], UPSTREAM_MODELS.vllm);
    assert.equal(body['max_tokens'], 32000);
    assert.equal(body['stream'], true);
    assert.deepEqual(body['stream_options'], { include_usage: true });
    assert.equal(body['tool_choice'], 'auto');
    assert.deepEqual(body['tools'], [
      {
        type: 'function',
        function: {
          name: 'Bash',
          description: 'Executes a given bash command',
          parameters: TOOLS[0]!.input_schema,
        },
      },
      {
        type: 'function',
        function: { name: 'Read', description: 'Reads a file', parameters: TOOLS[1]!.input_schema },
      },
    ]);

    const conversation = messages.filter((m) => at(m, 'role') !== 'system');
    assert.deepEqual(conversation, [
      { role: 'user', content: '<system-reminder>Be concise.</system-reminder>\nList the files here.' },
      {
        role: 'assistant',
        content: 'I will list them.',
        tool_calls: [
          {
            id: 'toolu_01Bash',
            type: 'function',
            function: { name: 'Bash', arguments: '{"command":"ls","description":"List files"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_01Bash', content: 'a.txt\nb.txt' },
      { role: 'user', content: 'Now count them.' },
    ]);

    // The answer streams back as the strict Anthropic event sequence.
    for (const event of events) {
      assert.equal(at(JSON.parse(event.data), 'type'), event.event, 'event name equals the data type');
    }
    const names = events.map((e) => e.event).filter((name) => name !== 'ping');
    assert.equal(names[0], 'message_start');
    assert.deepEqual(names.slice(-2), ['message_delta', 'message_stop']);
    const blocks = events
      .filter((e) => e.event === 'content_block_start')
      .map((e) => at(JSON.parse(e.data), 'content_block', 'type'));
    assert.deepEqual(blocks, ['thinking', 'text', 'tool_use']);
    const delta = events.find((e) => e.event === 'message_delta');
    assert.equal(at(JSON.parse(delta?.data ?? '{}'), 'delta', 'stop_reason'), 'tool_use');
    const start = events.find((e) => e.event === 'message_start');
    assert.ok(Number(at(JSON.parse(start?.data ?? '{}'), 'message', 'usage', 'input_tokens')) > 0);
  });
});
