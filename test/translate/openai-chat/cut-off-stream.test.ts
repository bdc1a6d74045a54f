// An OpenAI-compatible backend whose stream ends cleanly without a finish_reason or [DONE]
// was cut off: through the real relay, every client dialect gets its truncation error, never
// a complete answer (and never a runnable half-streamed tool call).

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { InboundChatCodec, ResponseContext } from '../../../src/canonical/codecs.ts';
import { anthropicMessagesInbound } from '../../../src/inbound/anthropic-messages/index.ts';
import { geminiGenerateInbound } from '../../../src/inbound/gemini-generate/index.ts';
import { openaiChatInbound } from '../../../src/inbound/openai-chat/index.ts';
import { openaiResponsesInbound } from '../../../src/inbound/openai-responses/index.ts';
import { relayTranslated } from '../../../src/pipeline/relay-translated.ts';
import { openaiChatCodec } from '../../../src/providers/openai/translate/index.ts';

const codec = openaiChatCodec({ maxTokensField: 'max_tokens', includeUsageOption: true });

const chunk = (delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** The reviewer's case: the body ends in the middle of a tool call's arguments. */
const CUT_MID_CALL = [
  chunk({ role: 'assistant', content: null }),
  chunk({
    tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'Bash', arguments: '' } }],
  }),
  chunk({
    tool_calls: [
      { index: 0, function: { arguments: '{"command": "git push --force origin main", "description": "pu' } },
    ],
  }),
];

/** A finish_reason came, then the body ended without [DONE]: the answer is whole. */
const FINISHED_WITHOUT_DONE = [
  chunk({ role: 'assistant', content: null }),
  chunk({
    tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'Bash', arguments: '' } }],
  }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"command": "ls"}' } }] }),
  chunk({}, 'tool_calls'),
];

const CLIENTS: Record<string, InboundChatCodec> = {
  anthropic: anthropicMessagesInbound,
  chat: openaiChatInbound,
  responses: openaiResponsesInbound,
  gemini: geminiGenerateInbound,
};

/** What each client dialect's stream says when it ended properly. */
const COMPLETE_MARK: Record<string, string> = {
  anthropic: 'event: message_stop',
  chat: 'data: [DONE]',
  responses: 'event: response.completed',
  gemini: '"finishReason"',
};

const context: ResponseContext = {
  requestId: 'req_cut',
  clientModel: 'endpoint',
  created: 1,
  includeUsage: false,
  estimatedInputTokens: 5,
};

let server: Server;
let baseURL: string;
const outcomes: string[] = [];

/** Serves `/<client>/<case>` by relaying that case's backend frames through the client's encoder. */
before(async () => {
  const cases: Record<string, string[]> = { cut: CUT_MID_CALL, finished: FINISHED_WITHOUT_DONE };
  server = createServer((req, res) => {
    const [, client, name] = (req.url ?? '').split('/');
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const frames = cases[name ?? ''] ?? [];
    async function* body(): AsyncIterable<Uint8Array> {
      for (const frame of frames) yield Buffer.from(frame, 'utf8');
    }
    void relayTranslated(body(), res, codec.streamDecoder(), CLIENTS[client ?? '']!.streamEncoder(context), {
      keepaliveFrame: null,
      keepaliveMs: 60_000,
      clientStallMs: 5_000,
    }).then((result) => outcomes.push(`${client}/${name}: ${result.outcome}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function relayed(client: string, name: string): Promise<string> {
  const response = await fetch(`${baseURL}/${client}/${name}`, { method: 'POST', body: '{}' });
  return response.text();
}

describe('a cut-off OpenAI-compatible stream, through the relay', () => {
  for (const client of Object.keys(CLIENTS)) {
    it(`${client}: the relay reports it truncated and the client sees an error, not a finished answer`, async () => {
      const text = await relayed(client, 'cut');
      assert.ok(!text.includes(COMPLETE_MARK[client]!), text);
      assert.match(text, /the provider ended the stream before it was complete/);
      assert.ok(outcomes.includes(`${client}/cut: truncated`), outcomes.join('\n'));
    });

    it(`${client}: a finish_reason without [DONE] is a complete answer`, async () => {
      const text = await relayed(client, 'finished');
      assert.ok(text.includes(COMPLETE_MARK[client]!), text);
      assert.ok(outcomes.includes(`${client}/finished: complete`), outcomes.join('\n'));
    });
  }

  it('the Anthropic SDK raises an error rather than returning a tool_use with cut-off input', async () => {
    const client = new Anthropic({ baseURL: `${baseURL}/anthropic/cut`, apiKey: 'x', maxRetries: 0 });
    const stream = client.messages.stream({
      model: 'endpoint',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'clean up' }],
    });
    await assert.rejects(stream.finalMessage(), Anthropic.APIError);
  });

  it('the Anthropic SDK reads the finished stream as the whole tool call', async () => {
    const client = new Anthropic({ baseURL: `${baseURL}/anthropic/finished`, apiKey: 'x', maxRetries: 0 });
    const message = await client.messages
      .stream({ model: 'endpoint', max_tokens: 100, messages: [{ role: 'user', content: 'list' }] })
      .finalMessage();
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual(
      message.content.map((block) => (block.type === 'tool_use' ? block.input : block.type)),
      [{ command: 'ls' }],
    );
  });

  it('the OpenAI SDK raises an error rather than returning tool calls', async () => {
    const client = new OpenAI({ baseURL: `${baseURL}/chat/cut`, apiKey: 'x', maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'endpoint',
      messages: [{ role: 'user', content: 'clean up' }],
    });
    await assert.rejects(stream.finalChatCompletion(), OpenAI.APIError);
  });
});
