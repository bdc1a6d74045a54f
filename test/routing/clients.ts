// The three official SDKs as clients of a routing rig (retries off, so only the gateway's own
// retries happen), behind one small interface so a test can run in every dialect.

import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { type Recorder, recorder, sdkClients } from '../sdk/sdk-helpers.ts';
import type { Provider } from './rig.ts';

export interface Answer {
  text: string;
  headers: Headers;
}

export interface Refusal {
  status: number;
  headers: Headers;
  message: string;
  /** The SDK's own error class name, to show the client raised its usual exception. */
  errorClass: string;
}

export interface DialectClient {
  readonly provider: Provider;
  /** A non-streamed call. */
  ask(endpoint: string): Promise<Answer>;
  /** A streamed call, read to its end. */
  stream(endpoint: string): Promise<Answer>;
  /** A call that must fail with an HTTP error. */
  refuse(endpoint: string): Promise<Refusal>;
}

/** The default reply of the fake provider, and the text of its default five-chunk stream. */
export const DEFAULT_TEXT = 'Hello! This is a reply from the fake provider.';
export const DEFAULT_STREAM_TEXT = 'Hello! This is a';

const PROMPT = 'Say hello';

function statusOf(error: unknown): number {
  if (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError) return error.status ?? 0;
  if (error instanceof ApiError) return error.status;
  assert.fail(`expected an SDK API error, got ${error instanceof Error ? error.stack : String(error)}`);
}

export function dialectClients(url: string): { clients: Record<Provider, DialectClient>; rec: Recorder } {
  const rec = recorder();
  const { openai, anthropic, gemini } = sdkClients(url, rec.fetch);

  async function refuse(call: () => Promise<unknown>): Promise<Refusal> {
    try {
      await call();
    } catch (error) {
      const status = statusOf(error);
      return {
        status,
        headers: rec.lastHeaders(),
        message: error instanceof Error ? error.message : String(error),
        errorClass: error instanceof Error ? error.constructor.name : typeof error,
      };
    }
    assert.fail('the call succeeded; an error was expected');
  }

  const clients: Record<Provider, DialectClient> = {
    openai: {
      provider: 'openai',
      async ask(endpoint) {
        const reply = await openai.chat.completions.create({
          model: endpoint,
          messages: [{ role: 'user', content: PROMPT }],
        });
        return { text: reply.choices[0]?.message.content ?? '', headers: rec.lastHeaders() };
      },
      async stream(endpoint) {
        const stream = await openai.chat.completions.create({
          model: endpoint,
          messages: [{ role: 'user', content: PROMPT }],
          stream: true,
        });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return { text, headers: rec.lastHeaders() };
      },
      refuse: (endpoint) =>
        refuse(() =>
          openai.chat.completions.create({ model: endpoint, messages: [{ role: 'user', content: PROMPT }] }),
        ),
    },
    anthropic: {
      provider: 'anthropic',
      async ask(endpoint) {
        const reply = await anthropic.messages.create({
          model: endpoint,
          max_tokens: 64,
          messages: [{ role: 'user', content: PROMPT }],
        });
        const text = reply.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
        return { text, headers: rec.lastHeaders() };
      },
      async stream(endpoint) {
        const message = await anthropic.messages
          .stream({ model: endpoint, max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] })
          .finalMessage();
        const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
        return { text, headers: rec.lastHeaders() };
      },
      refuse: (endpoint) =>
        refuse(() =>
          anthropic.messages.create({
            model: endpoint,
            max_tokens: 64,
            messages: [{ role: 'user', content: PROMPT }],
          }),
        ),
    },
    gemini: {
      provider: 'gemini',
      async ask(endpoint) {
        const reply = await gemini.models.generateContent({ model: endpoint, contents: PROMPT });
        return { text: reply.text ?? '', headers: rec.lastHeaders() };
      },
      async stream(endpoint) {
        let text = '';
        for await (const chunk of await gemini.models.generateContentStream({
          model: endpoint,
          contents: PROMPT,
        })) {
          text += chunk.text ?? '';
        }
        return { text, headers: rec.lastHeaders() };
      },
      refuse: (endpoint) =>
        refuse(() => gemini.models.generateContent({ model: endpoint, contents: PROMPT })),
    },
  };
  return { clients, rec };
}

export const PROVIDERS: readonly Provider[] = ['openai', 'anthropic', 'gemini'];

/** x-switchyard-model and x-switchyard-attempts of a response. */
export function routedBy(headers: Headers): { model: string | null; attempts: string | null } {
  return { model: headers.get('x-switchyard-model'), attempts: headers.get('x-switchyard-attempts') };
}
