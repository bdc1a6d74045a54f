// Errors as each official SDK sees them: gateway-made errors, relayed upstream errors,
// non-JSON upstream pages, refused providers, and streams that break after they began.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, type GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import {
  anthropicError,
  failAfterFrames,
  fixture,
  geminiError,
  html,
  loadFixture,
  openaiError,
  reset,
  truncateAfterFrames,
} from '../fake-provider/index.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import {
  collect,
  consumeUntilError,
  type Recorder,
  recorder,
  recordFor,
  type SdkClients,
  sdkClients,
} from './sdk-helpers.ts';

let rig: DataPlaneRig;
let rec: Recorder;
let openai: OpenAI;
let anthropic: Anthropic;
let gemini: GoogleGenAI;

function clients(url: string): SdkClients {
  return sdkClients(url, rec.fetch);
}

before(async () => {
  rig = await startDataPlane();
  rec = recorder();
  ({ openai, anthropic, gemini } = clients(rig.gw.url));
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const messages = [{ role: 'user' as const, content: 'Say hello' }];
const anthropicParams = { model: 'an', max_tokens: 64, messages };
const geminiRequest = { model: 'gm', contents: 'Say hello' };

/** Runs `fn`, expects it to throw an instance of `type`, returns the error. */
async function expectError<T>(
  fn: () => Promise<unknown>,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  try {
    await fn();
  } catch (error) {
    assert.ok(
      error instanceof type,
      `expected ${type.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    return error;
  }
  assert.fail(`expected ${type.name}, but the call succeeded`);
}

/** A recorded error body's exact text. */
function fixtureBodyText(name: string): string {
  return JSON.stringify(loadFixture(name).response.body);
}

/** Replays `name` to a raw chat request and returns the status and body text. */
async function rawErrorText(name: string): Promise<{ status: number; text: string }> {
  rig.fake.enqueue(fixture(name));
  const response = await fetch(`${rig.gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'oa', messages }),
  });
  return { status: response.status, text: await response.text() };
}

function noUpstreamCall(): void {
  assert.equal(rig.fake.requests.length, 0, 'the provider was not called');
}

describe('OpenAI SDK', () => {
  test('unknown endpoint → NotFoundError (chat, embeddings, responses)', async () => {
    const chat = await expectError(
      () => openai.chat.completions.create({ model: 'nope', messages }),
      OpenAI.NotFoundError,
    );
    assert.equal(chat.status, 404);
    assert.equal(chat.type, 'not_found_error');
    assert.equal(chat.param, 'model');
    assert.match(chat.message, /nope/);
    await expectError(() => openai.embeddings.create({ model: 'nope', input: 'x' }), OpenAI.NotFoundError);
    await expectError(() => openai.responses.create({ model: 'nope', input: 'x' }), OpenAI.NotFoundError);
    await expectError(
      () => openai.chat.completions.create({ model: 'nope', messages, stream: true }),
      OpenAI.NotFoundError,
    );
    noUpstreamCall();
  });

  test('missing model → 400 BadRequestError', async () => {
    const empty = await expectError(
      () => openai.chat.completions.create({ model: '', messages }),
      OpenAI.BadRequestError,
    );
    assert.match(empty.message, /Missing required 'model' parameter/);
    assert.equal(empty.param, 'model');
    const params = { messages } as unknown as ChatCompletionCreateParamsNonStreaming;
    const absent = await expectError(() => openai.chat.completions.create(params), OpenAI.BadRequestError);
    assert.match(absent.message, /Missing required 'model' parameter/);
    noUpstreamCall();
  });

  test('upstream 429 with retry-after → RateLimitError, header visible, body relayed', async () => {
    rig.fake.enqueue(
      openaiError(429, 'Rate limit reached for gpt-4o-mini', { headers: { 'retry-after': '7' } }),
    );
    const error = await expectError(
      () => openai.chat.completions.create({ model: 'oa', messages }),
      OpenAI.RateLimitError,
    );
    assert.equal(error.status, 429);
    assert.equal(error.headers?.get('retry-after'), '7');
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.match(error.message, /Rate limit reached for gpt-4o-mini/);
    assert.equal(rig.fake.requests.length, 1, 'maxRetries: 0 means one call');
    const record = await recordFor(rig, error.headers?.get('x-request-id') ?? null);
    assert.equal(record.status, 429);
    assert.equal(record.attempts[0]?.status, 429);
  });

  test('upstream 429 on a streamed request → RateLimitError before any chunk', async () => {
    rig.fake.enqueue(openaiError(429, 'slow down', { headers: { 'retry-after': '2' } }));
    const error = await expectError(
      () => openai.chat.completions.create({ model: 'oa', messages, stream: true }),
      OpenAI.RateLimitError,
    );
    assert.equal(error.headers?.get('retry-after'), '2');
  });

  test('upstream 500 and 503 → InternalServerError', async () => {
    rig.fake.enqueue(openaiError(500, 'The server had an error while processing your request.'));
    const e500 = await expectError(
      () => openai.chat.completions.create({ model: 'oa', messages }),
      OpenAI.InternalServerError,
    );
    assert.equal(e500.status, 500);
    assert.equal(e500.type, 'server_error');
    rig.fake.enqueue(openaiError(503, 'overloaded'));
    const e503 = await expectError(
      () => openai.embeddings.create({ model: 'vl', input: 'x' }),
      OpenAI.InternalServerError,
    );
    assert.equal(e503.status, 503);
  });

  test('upstream HTML 502 page → APIError 502 saying it was not JSON', async () => {
    rig.fake.enqueue(html(502, '<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>'));
    const error = await expectError(
      () => openai.chat.completions.create({ model: 'oa', messages }),
      OpenAI.APIError,
    );
    assert.equal(error.status, 502);
    assert.match(error.message, /not JSON/);
    assert.match(error.message, /502 Bad Gateway/);
    assert.doesNotMatch(error.message, /<h1>/);
  });

  test('upstream connection reset → 502 APIError', async () => {
    rig.fake.enqueue(reset());
    const error = await expectError(
      () => openai.chat.completions.create({ model: 'oa', messages }),
      OpenAI.InternalServerError,
    );
    assert.equal(error.status, 502);
    assert.match(error.message, /could not reach/);
  });

  test("a request the endpoint's backend cannot honour → 400 BadRequestError naming it", async () => {
    const embeddings = await expectError(
      () => openai.embeddings.create({ model: 'an', input: 'x' }),
      OpenAI.BadRequestError,
    );
    assert.match(embeddings.message, /no embeddings API/);
    const audio = await expectError(
      () =>
        openai.chat.completions.create({
          model: 'an',
          messages: [
            {
              role: 'user',
              content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }],
            },
          ],
        }),
      OpenAI.BadRequestError,
    );
    assert.match(audio.message, /audio/i);
    noUpstreamCall();
  });

  test('mid-stream failure → the chat stream throws after the chunks already sent', async () => {
    rig.fake.enqueue(failAfterFrames(3));
    const stream = await openai.chat.completions.create({ model: 'oa', messages, stream: true });
    const { items, error } = await consumeUntilError(stream);
    assert.equal(items.length, 3);
    assert.ok(error instanceof OpenAI.APIError, `stream threw ${String(error)}`);
    assert.match(error.message, /mid-stream/);
  });

  test('truncated chat stream (no [DONE]) → throws instead of ending quietly', async () => {
    rig.fake.enqueue(truncateAfterFrames(4));
    const stream = await openai.chat.completions.create({ model: 'oa', messages, stream: true });
    const { items, error } = await consumeUntilError(stream);
    assert.equal(items.length, 4);
    assert.ok(error instanceof OpenAI.APIError, `stream threw ${String(error)}`);
    assert.match(error.message, /before it was complete/);
  });

  test('truncated chat stream through .stream() → finalChatCompletion() rejects', async () => {
    rig.fake.enqueue(truncateAfterFrames(3));
    await expectError(
      () => openai.chat.completions.stream({ model: 'oa', messages }).finalChatCompletion(),
      OpenAI.APIError,
    );
  });

  test('mid-stream failure of a Responses stream → throws', async () => {
    rig.fake.enqueue(failAfterFrames(5));
    const stream = await openai.responses.create({ model: 'oa', input: 'hi', stream: true });
    const { items, error } = await consumeUntilError(stream);
    assert.equal(items.length, 5);
    assert.ok(error instanceof OpenAI.APIError, `stream threw ${String(error)}`);
  });

  test('truncated Responses stream (no response.completed) → throws', async () => {
    rig.fake.enqueue(truncateAfterFrames(6));
    const stream = await openai.responses.create({ model: 'oa', input: 'hi', stream: true });
    const { items, error } = await consumeUntilError(stream);
    assert.equal(items.length, 6);
    assert.ok(error instanceof OpenAI.APIError, `stream threw ${String(error)}`);
  });
});

describe('Anthropic SDK', () => {
  test('unknown endpoint → NotFoundError (messages, count_tokens, stream)', async () => {
    const error = await expectError(
      () => anthropic.messages.create({ ...anthropicParams, model: 'nope' }),
      Anthropic.NotFoundError,
    );
    assert.equal(error.status, 404);
    assert.equal(error.type, 'not_found_error');
    const body = error.error as { request_id?: unknown } | undefined;
    assert.equal(
      body?.request_id,
      error.headers?.get('x-request-id'),
      'request_id is the gateway’s request id',
    );
    await expectError(
      () => anthropic.messages.countTokens({ model: 'nope', messages }),
      Anthropic.NotFoundError,
    );
    await expectError(
      () => anthropic.messages.stream({ ...anthropicParams, model: 'nope' }).finalMessage(),
      Anthropic.NotFoundError,
    );
    noUpstreamCall();
  });

  test('missing model → 400 BadRequestError', async () => {
    const error = await expectError(
      () => anthropic.messages.create({ ...anthropicParams, model: '' }),
      Anthropic.BadRequestError,
    );
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, /Missing required 'model' parameter/);
  });

  test('upstream 429 with retry-after → RateLimitError, header visible', async () => {
    rig.fake.enqueue(
      anthropicError(429, 'Number of request tokens has exceeded your rate limit', {
        headers: { 'retry-after': '3', 'anthropic-ratelimit-requests-remaining': '0' },
      }),
    );
    const error = await expectError(
      () => anthropic.messages.create(anthropicParams),
      Anthropic.RateLimitError,
    );
    assert.equal(error.headers?.get('retry-after'), '3');
    assert.equal(error.headers?.get('anthropic-ratelimit-requests-remaining'), '0');
    assert.equal(error.type, 'rate_limit_error');
  });

  test('upstream 529 → OverloadedError; 500 → InternalServerError', async () => {
    rig.fake.enqueue(anthropicError(529, 'Overloaded'));
    const overloaded = await expectError(
      () => anthropic.messages.create(anthropicParams),
      Anthropic.OverloadedError,
    );
    assert.equal(overloaded.status, 529);
    assert.equal(overloaded.type, 'overloaded_error');
    assert.ok(overloaded instanceof Anthropic.InternalServerError);

    rig.fake.enqueue(anthropicError(529, 'Overloaded'));
    await expectError(
      () => anthropic.messages.stream(anthropicParams).finalMessage(),
      Anthropic.OverloadedError,
    );

    rig.fake.enqueue(anthropicError(500, 'Internal server error'));
    const internal = await expectError(
      () => anthropic.messages.create(anthropicParams),
      Anthropic.InternalServerError,
    );
    assert.equal(internal.status, 500);
    assert.equal(internal.type, 'api_error');
  });

  test('upstream HTML 502 page → APIError 502 in the Anthropic shape, saying it was not JSON', async () => {
    rig.fake.enqueue(html(502, '<html><body>Bad Gateway</body></html>'));
    const error = await expectError(
      () => anthropic.messages.create(anthropicParams),
      Anthropic.InternalServerError,
    );
    assert.equal(error.status, 502);
    assert.equal(error.type, 'api_error');
    assert.match(error.message, /not JSON/);
  });

  test('a server tool sent to a backend of another dialect → 400 BadRequestError naming it', async () => {
    const error = await expectError(
      () =>
        anthropic.messages.create({
          ...anthropicParams,
          model: 'oa',
          tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        }),
      Anthropic.BadRequestError,
    );
    assert.match(error.message, /web_search/);
    noUpstreamCall();
  });

  test('mid-stream failure → the stream throws (event: error)', async () => {
    rig.fake.enqueue(failAfterFrames(4));
    const stream = anthropic.messages.stream(anthropicParams);
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const error = await expectError(() => stream.finalMessage(), Anthropic.APIError);
    assert.match(error.message, /mid-stream/);
    assert.equal(error.type, 'api_error');
    assert.equal(texts.join(''), 'Hello', 'text sent before the failure arrived');
  });

  test('mid-stream failure with create({stream: true}) → iteration throws', async () => {
    rig.fake.enqueue(failAfterFrames(2));
    const stream = await anthropic.messages.create({ ...anthropicParams, stream: true });
    const { items, error } = await consumeUntilError(stream);
    assert.equal(items.length, 2);
    assert.ok(error instanceof Anthropic.APIError, `stream threw ${String(error)}`);
  });

  test('truncated stream (no message_stop) → throws instead of ending quietly', async () => {
    rig.fake.enqueue(truncateAfterFrames(8));
    const error = await expectError(
      () => anthropic.messages.stream(anthropicParams).finalMessage(),
      Anthropic.APIError,
    );
    assert.match(error.message, /before it was complete/);
  });
});

describe('Gemini SDK', () => {
  test('unknown endpoint → ApiError 404', async () => {
    const error = await expectError(
      () => gemini.models.generateContent({ ...geminiRequest, model: 'nope' }),
      ApiError,
    );
    assert.equal(error.status, 404);
    assert.match(error.message, /NOT_FOUND/);
    const streamed = await expectError(
      async () => collect(await gemini.models.generateContentStream({ ...geminiRequest, model: 'nope' })),
      ApiError,
    );
    assert.equal(streamed.status, 404);
    noUpstreamCall();
  });

  test('a method the gateway does not serve (countTokens) → ApiError 404', async () => {
    const error = await expectError(
      () => gemini.models.countTokens({ model: 'gm', contents: 'hi' }),
      ApiError,
    );
    assert.equal(error.status, 404);
  });

  test('upstream 429 → ApiError 429; retry-after reaches the client', async () => {
    rig.fake.enqueue(geminiError(429, 'Resource has been exhausted', { headers: { 'retry-after': '5' } }));
    const error = await expectError(() => gemini.models.generateContent(geminiRequest), ApiError);
    assert.equal(error.status, 429);
    assert.match(error.message, /RESOURCE_EXHAUSTED/);
    assert.equal(rec.lastHeaders().get('retry-after'), '5');
  });

  test('upstream 500 → ApiError 500', async () => {
    rig.fake.enqueue(geminiError(500, 'An internal error has occurred'));
    const error = await expectError(
      async () => collect(await gemini.models.generateContentStream(geminiRequest)),
      ApiError,
    );
    assert.equal(error.status, 500);
  });

  test('upstream HTML 502 page → ApiError 502 saying it was not JSON', async () => {
    rig.fake.enqueue(html(502, '<html><body>Bad Gateway</body></html>'));
    const error = await expectError(() => gemini.models.generateContent(geminiRequest), ApiError);
    assert.equal(error.status, 502);
    assert.match(error.message, /not JSON/);
  });

  test('several candidates asked of an Anthropic backend → ApiError 400', async () => {
    const error = await expectError(
      () => gemini.models.generateContent({ ...geminiRequest, model: 'an', config: { candidateCount: 2 } }),
      ApiError,
    );
    assert.equal(error.status, 400);
    assert.match(error.message, /INVALID_ARGUMENT/);
    noUpstreamCall();
  });

  test('mid-stream failure (alt=sse) → the stream throws ApiError', async () => {
    rig.fake.enqueue(failAfterFrames(2));
    const { items, error } = await consumeUntilError(
      await gemini.models.generateContentStream(geminiRequest),
    );
    assert.equal(items.length, 2);
    assert.ok(error instanceof ApiError, `stream threw ${String(error)}`);
    assert.equal(error.status, 502);
  });

  test('truncated stream (no finishReason) → throws', async () => {
    rig.fake.enqueue(truncateAfterFrames(3));
    const { items, error } = await consumeUntilError(
      await gemini.models.generateContentStream(geminiRequest),
    );
    assert.equal(items.length, 3);
    assert.ok(error instanceof ApiError, `stream threw ${String(error)}`);
  });

  for (const [what, reply] of [
    ['failure', failAfterFrames(2)],
    ['truncation', truncateAfterFrames(2)],
  ] as const) {
    test(`JSON-array stream ${what} → the client's read fails (no well-formed array)`, async () => {
      rig.fake.enqueue(reply);
      const response = await fetch(`${rig.gw.url}/v1beta/models/gm:streamGenerateContent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
      });
      assert.equal(response.status, 200);
      await assert.rejects(response.text());
    });
  }
});

describe('recorded upstream errors, relayed unchanged (same dialect)', () => {
  test('OpenAI chat-error-404-model → NotFoundError with OpenAI’s own message and code', async () => {
    rig.fake.enqueue(fixture('openai/chat-error-404-model.json'));
    const error = await expectError(
      () => openai.chat.completions.create({ model: 'oa', messages }),
      OpenAI.NotFoundError,
    );
    assert.equal(error.code, 'model_not_found');
    assert.match(error.message, /The model `gpt-4.1-nano-wrong` does not exist/);
    const raw = await rawErrorText('openai/chat-error-404-model.json');
    assert.equal(raw.status, 404);
    assert.equal(
      raw.text,
      fixtureBodyText('openai/chat-error-404-model.json'),
      'the body comes back byte for byte',
    );
  });

  test('Anthropic messages-error-404-model → NotFoundError with Anthropic’s request_id', async () => {
    rig.fake.enqueue(fixture('anthropic/messages-error-404-model.json'));
    const error = await expectError(
      () => anthropic.messages.create(anthropicParams),
      Anthropic.NotFoundError,
    );
    assert.equal(error.type, 'not_found_error');
    assert.match(error.message, /model: claude-sonet-4-5/);
    const body = error.error as { request_id?: unknown } | undefined;
    assert.equal(body?.request_id, 'req_011CdufXo8Y2LVfY2veyuQWG');
  });

  test('Gemini generate-error-429-resource-exhausted → ApiError 429', async () => {
    rig.fake.enqueue(fixture('gemini/generate-error-429-resource-exhausted.json'));
    const error = await expectError(() => gemini.models.generateContent(geminiRequest), ApiError);
    assert.equal(error.status, 429);
    assert.match(error.message, /Resource exhausted/);
  });

  test('Gemini stream-error-400-api-key-invalid (a JSON error served as text/event-stream) keeps Google’s body', async () => {
    // Recorded from generativelanguage.googleapis.com: a 400 whose JSON body is labelled
    // text/event-stream. Relayed as is, the SDK's ApiError carries Google's error details.
    rig.fake.enqueue(fixture('gemini/stream-error-400-api-key-invalid.json'));
    const error = await expectError(
      async () => collect(await gemini.models.generateContentStream(geminiRequest)),
      ApiError,
    );
    assert.equal(error.status, 400);
    assert.match(error.message, /API_KEY_INVALID/);
    assert.doesNotMatch(error.message, /not JSON/);
  });
});

describe('SWITCHYARD_ALLOWED_PROVIDERS=openai', () => {
  // The harness's startDataPlane cannot take this variable (creating the other providers'
  // secrets is refused at config time), so a second gateway opens the same database.
  let restricted: TestGateway;
  let c: ReturnType<typeof clients>;

  before(async () => {
    const masterKey = rig.gw.settings.masterKey;
    assert.ok(masterKey);
    restricted = await startGateway(
      {
        SWITCHYARD_DATABASE_URL: rig.gw.settings.databaseUrl,
        SWITCHYARD_MASTER_KEY: masterKey,
        SWITCHYARD_ALLOWED_PROVIDERS: 'openai',
      },
      { sink: rig.sink },
    );
    c = clients(restricted.url);
  });
  after(() => restricted.close());

  test('openai still serves', async () => {
    const result = await c.openai.chat.completions.create({ model: 'oa', messages });
    assert.equal(result.object, 'chat.completion');
  });

  test('anthropic → 403 PermissionDeniedError (Anthropic SDK)', async () => {
    const error = await expectError(
      () => c.anthropic.messages.create(anthropicParams),
      Anthropic.PermissionDeniedError,
    );
    assert.equal(error.type, 'permission_error');
    assert.match(error.message, /SWITCHYARD_ALLOWED_PROVIDERS/);
    noUpstreamCall();
  });

  test('vllm, azure → 403 PermissionDeniedError (OpenAI SDK)', async () => {
    for (const model of ['vl', 'az']) {
      const error = await expectError(
        () => c.openai.chat.completions.create({ model, messages }),
        OpenAI.PermissionDeniedError,
      );
      assert.equal(error.status, 403);
    }
    noUpstreamCall();
  });

  test('gemini → ApiError 403', async () => {
    const error = await expectError(() => c.gemini.models.generateContent(geminiRequest), ApiError);
    assert.equal(error.status, 403);
    assert.match(error.message, /PERMISSION_DENIED/);
  });

  test('an OpenAI SDK request for an anthropic endpoint is refused, 403 (provider checked first)', async () => {
    await expectError(
      () => c.openai.chat.completions.create({ model: 'an', messages }),
      OpenAI.PermissionDeniedError,
    );
  });
});
