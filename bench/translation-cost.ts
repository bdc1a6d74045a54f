// What translation costs in CPU, without the network: an Anthropic Messages client served by
// an OpenAI-dialect backend. Prints microseconds per request (decode the client's request,
// encode the backend's), per non-streamed answer, and per stream chunk.
//   node bench/translation-cost.ts [--iterations 20000]

import { parseArgs } from 'node:util';
import type { ResponseContext } from '../src/canonical/codecs.ts';
import { estimateRequestTokens } from '../src/canonical/estimate-tokens.ts';
import { anthropicMessagesInbound } from '../src/inbound/anthropic-messages/index.ts';
import { openaiChatCodec } from '../src/providers/openai/translate/index.ts';
import { SseDecoder } from '../src/transport/sse-decoder.ts';
import { messagesRequestBody } from './workloads.ts';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20000' } } });
const iterations = Number(values.iterations);

const backend = openaiChatCodec({ maxTokensField: 'max_tokens', includeUsageOption: true });
const context: ResponseContext = {
  requestId: 'req_bench',
  clientModel: 'bench',
  created: 1_700_000_000,
  includeUsage: false,
  estimatedInputTokens: 0,
};

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  })}\n\n`;
}

const STREAM_CHUNKS = 40;
const stream = Buffer.from(
  [
    chunk({ role: 'assistant', content: '' }),
    ...Array.from({ length: STREAM_CHUNKS }, (_, i) => chunk({ content: `word${i} ` })),
    chunk({}, 'stop'),
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 } })}\n\n`,
    'data: [DONE]\n\n',
  ].join(''),
);
const answer = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'A realistic answer of about one kilobyte. '.repeat(24) },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 120, completion_tokens: 240, total_tokens: 360 },
});
const requestBody = messagesRequestBody('bench', true);

function time(label: string, per: number, run: () => void): number {
  for (let i = 0; i < Math.min(2000, iterations); i++) run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run();
  const micros = Number(process.hrtime.bigint() - started) / 1000 / iterations / per;
  console.log(`${label.padEnd(58)} ${micros.toFixed(2).padStart(8)} µs`);
  return micros;
}

let sink = 0;
time('request: JSON.parse + decode Messages + encode chat + stringify', 1, () => {
  const canonical = anthropicMessagesInbound.decodeRequest(JSON.parse(requestBody));
  sink += JSON.stringify(backend.encodeRequest(canonical, 'gpt-4o-mini')).length;
});
const canonical = anthropicMessagesInbound.decodeRequest(JSON.parse(requestBody));
time('request: prompt-token estimate, text seen before (remembered)', 1, () => {
  sink += estimateRequestTokens(canonical);
});
let fresh = 0;
time('request: prompt-token estimate, new text each time', 1, () => {
  const unseen = anthropicMessagesInbound.decodeRequest(
    JSON.parse(messagesRequestBody(`bench-${fresh++}`, true).replace('Hi!', `Hi ${fresh}!`)),
  );
  sink += estimateRequestTokens(unseen);
});
time('answer: JSON.parse + decode chat + encode Messages + stringify', 1, () => {
  const response = backend.decodeResponse(JSON.parse(answer));
  sink += JSON.stringify(anthropicMessagesInbound.encodeResponse(response, context)).length;
});
time(`stream: per chunk (${STREAM_CHUNKS + 3} chunks, SSE decode → events → SSE)`, STREAM_CHUNKS + 3, () => {
  const sse = new SseDecoder();
  const decoder = backend.streamDecoder();
  const encoder = anthropicMessagesInbound.streamEncoder(context);
  let out = '';
  for (const frame of sse.push(stream)) {
    if (frame.type !== 'event') continue;
    for (const event of decoder.frame({ data: frame.data })) out += encoder.encode(event);
  }
  for (const event of decoder.end()) out += encoder.encode(event);
  out += encoder.end();
  sink += out.length;
});
if (sink === 0) console.log('(nothing measured)');
