// Backend errors through every translated pair: the client's SDK raises its usual exception
// class with the right status (Anthropic clients see 502/503 as 529 overloaded_error), the
// error type of its dialect, the backend's message, and 429's retry-after. Context-length
// errors reach Anthropic clients in the wording Claude Code's auto-compaction reacts to.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { anthropicError, geminiError, html, json, openaiError, type Reply } from '../fake-provider/index.ts';
import { collect, type Recorder, recorder, type SdkClients, sdkClients } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import { at, type Backend, type ClientDialect, onlyUpstream, PAIRS } from './support.ts';

let rig: DataPlaneRig;
let rec: Recorder;
let sdks: SdkClients;

before(async () => {
  rig = await startDataPlane();
  rec = recorder();
  sdks = sdkClients(rig.gw.url, rec.fetch);
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const PROMPT = 'Say hello';

/** Sends a request the backend will refuse; returns what the SDK threw. */
async function failingCall(client: ClientDialect, model: string, stream: boolean): Promise<unknown> {
  try {
    switch (client) {
      case 'chat': {
        const params = { model, messages: [{ role: 'user' as const, content: PROMPT }] };
        if (stream) await collect(await sdks.openai.chat.completions.create({ ...params, stream: true }));
        else await sdks.openai.chat.completions.create(params);
        break;
      }
      case 'responses':
        if (stream) await collect(await sdks.openai.responses.create({ model, input: PROMPT, stream: true }));
        else await sdks.openai.responses.create({ model, input: PROMPT });
        break;
      case 'messages': {
        const params = { model, max_tokens: 64, messages: [{ role: 'user' as const, content: PROMPT }] };
        if (stream) await sdks.anthropic.messages.stream(params).finalMessage();
        else await sdks.anthropic.messages.create(params);
        break;
      }
      case 'gemini':
        if (stream)
          await collect(await sdks.gemini.models.generateContentStream({ model, contents: PROMPT }));
        else await sdks.gemini.models.generateContent({ model, contents: PROMPT });
        break;
    }
  } catch (error) {
    return error;
  }
  return assert.fail('the call succeeded');
}

/** An SDK exception class, whatever its constructor's parameters. */
type ErrorClass<T> = abstract new (...args: never[]) => T;

const OPENAI_CLASSES: Readonly<Record<number, ErrorClass<InstanceType<typeof OpenAI.APIError>>>> = {
  400: OpenAI.BadRequestError,
  401: OpenAI.AuthenticationError,
  404: OpenAI.NotFoundError,
  429: OpenAI.RateLimitError,
};

const ANTHROPIC_CLASSES: Readonly<Record<number, ErrorClass<InstanceType<typeof Anthropic.APIError>>>> = {
  400: Anthropic.BadRequestError,
  401: Anthropic.AuthenticationError,
  404: Anthropic.NotFoundError,
  429: Anthropic.RateLimitError,
  500: Anthropic.InternalServerError,
  529: Anthropic.OverloadedError,
};

const OPENAI_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'server_error',
  502: 'server_error',
  503: 'server_error',
  529: 'server_error',
};

const ANTHROPIC_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const GEMINI_STATUSES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  529: 'UNAVAILABLE',
};

/** The statuses each backend is made to fail with (529 is Anthropic's own; 502 an HTML page from a proxy). */
const STATUSES: Readonly<Record<Backend, readonly number[]>> = {
  vl: [400, 401, 404, 429, 500, 502, 503],
  an: [400, 401, 404, 429, 500, 503, 529],
  gm: [400, 401, 404, 429, 500, 503],
};

const RETRY_AFTER = '7';

function backendMessage(status: number): string {
  return `backend says ${status}: request refused`;
}

/** The backend's error in its own dialect. */
function backendError(backend: Backend, status: number): Reply {
  const headers: Record<string, string> = status === 429 ? { 'retry-after': RETRY_AFTER } : {};
  const message = backendMessage(status);
  switch (backend) {
    case 'vl':
      return status === 502
        ? html(502, '<html><body><h1>502 Bad Gateway</h1>nginx</body></html>')
        : openaiError(status, message, { headers });
    case 'an':
      return anthropicError(status, message, { headers });
    case 'gm':
      return geminiError(status, message, { headers });
  }
}

function clientStatus(client: ClientDialect, status: number): number {
  return client === 'messages' && (status === 502 || status === 503) ? 529 : status;
}

/** Checks the SDK's exception for a backend failure of `status`. */
function checkError(client: ClientDialect, error: unknown, status: number, jsonBody: boolean): void {
  const expected = clientStatus(client, status);
  const message = jsonBody ? backendMessage(status) : String(status);
  switch (client) {
    case 'chat':
    case 'responses': {
      assert.ok(error instanceof OpenAI.APIError, `an OpenAI APIError, got ${String(error)}`);
      const cls = OPENAI_CLASSES[expected] ?? OpenAI.InternalServerError;
      assert.ok(error instanceof cls, `${cls.name}, got ${error.constructor.name}`);
      assert.equal(error.status, expected);
      assert.equal(error.type, OPENAI_TYPES[expected]);
      assert.ok(error.message.includes(message), `message "${error.message}" names ${message}`);
      if (status === 429) assert.equal(error.headers?.get('retry-after'), RETRY_AFTER);
      break;
    }
    case 'messages': {
      assert.ok(error instanceof Anthropic.APIError, `an Anthropic APIError, got ${String(error)}`);
      const cls = ANTHROPIC_CLASSES[expected];
      assert.ok(cls, `a class for ${expected}`);
      assert.ok(error instanceof cls, `${cls.name}, got ${error.constructor.name}`);
      assert.equal(error.status, expected);
      assert.equal(at(error.error, 'type'), 'error');
      assert.equal(at(error.error, 'error', 'type'), ANTHROPIC_TYPES[expected]);
      assert.ok(String(at(error.error, 'error', 'message')).includes(message));
      if (status === 429) assert.equal(error.headers?.get('retry-after'), RETRY_AFTER);
      break;
    }
    case 'gemini': {
      assert.ok(error instanceof ApiError, `a Gemini ApiError, got ${String(error)}`);
      assert.equal(error.status, expected);
      const body: unknown = JSON.parse(error.message);
      assert.equal(at(body, 'error', 'code'), expected);
      assert.equal(at(body, 'error', 'status'), GEMINI_STATUSES[expected]);
      assert.ok(String(at(body, 'error', 'message')).includes(message));
      if (status === 429) assert.equal(rec.lastHeaders().get('retry-after'), RETRY_AFTER);
      break;
    }
  }
}

describe('backend error statuses, each client dialect', () => {
  for (const { client, backend } of PAIRS) {
    for (const status of STATUSES[backend]) {
      const streams = status === 429 || status === 503 ? [false, true] : [false];
      for (const stream of streams) {
        test(`${backend} answers ${status} → ${client} client${stream ? ' (stream requested)' : ''}`, async () => {
          rig.fake.enqueue(backendError(backend, status));
          const error = await failingCall(client, backend, stream);
          onlyUpstream(rig);
          checkError(client, error, status, !(backend === 'vl' && status === 502));
        });
      }
    }
  }
});

/** vLLM's wording: the number it calls "requested" is prompt plus completion. */
const VLLM_CONTEXT =
  "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens (8000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.";

/** vLLM answers errors in two shapes: the older bare ErrorResponse and OpenAI's nested one. */
const VLLM_SHAPES: readonly { name: string; reply: Reply }[] = [
  {
    name: 'bare ErrorResponse',
    reply: json(400, {
      object: 'error',
      message: VLLM_CONTEXT,
      type: 'BadRequestError',
      param: null,
      code: 400,
    }),
  },
  {
    name: 'nested error',
    reply: json(400, { error: { message: VLLM_CONTEXT, type: 'BadRequestError', param: null, code: 400 } }),
  },
];

describe('context-length errors', () => {
  for (const { name, reply } of VLLM_SHAPES) {
    for (const stream of [false, true]) {
      test(`vLLM (${name}) → Anthropic client: 400 "prompt is too long: 9000 tokens > 8192 maximum"${stream ? ', streamed' : ''}`, async () => {
        rig.fake.enqueue(reply);
        const error = await failingCall('messages', 'vl', stream);
        assert.ok(error instanceof Anthropic.BadRequestError, `BadRequestError, got ${String(error)}`);
        assert.equal(error.status, 400);
        assert.equal(at(error.error, 'error', 'type'), 'invalid_request_error');
        assert.equal(at(error.error, 'error', 'message'), 'prompt is too long: 9000 tokens > 8192 maximum');
      });
    }
  }

  for (const client of ['responses', 'gemini'] as const) {
    test(`vLLM → ${client} client: 400 with vLLM's own words`, async () => {
      rig.fake.enqueue(VLLM_SHAPES[0]!.reply);
      const error = await failingCall(client, 'vl', false);
      if (client === 'responses') {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.message, `400 ${VLLM_CONTEXT}`);
      } else {
        assert.ok(error instanceof ApiError);
        assert.equal(error.status, 400);
        assert.equal(at(JSON.parse(error.message), 'error', 'message'), VLLM_CONTEXT);
      }
    });
  }

  test('Gemini context error → Anthropic client: the same wording', async () => {
    rig.fake.enqueue(
      geminiError(
        400,
        'The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).',
      ),
    );
    const error = await failingCall('messages', 'gm', false);
    assert.ok(error instanceof Anthropic.BadRequestError);
    assert.equal(at(error.error, 'error', 'message'), 'prompt is too long: 1048577 tokens > 1048576 maximum');
  });

  test('Anthropic "prompt is too long" → OpenAI chat client: a 400 BadRequestError saying so', async () => {
    rig.fake.enqueue(anthropicError(400, 'prompt is too long: 210000 tokens > 200000 maximum'));
    const error = await failingCall('chat', 'an', false);
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, /prompt is too long: 210000 tokens > 200000 maximum/);
  });
});
