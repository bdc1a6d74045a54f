// Shared helpers for the admin API tests: narrowing JSON replies, asserting error shapes,
// and proving that a refused request changed nothing.

import assert from 'node:assert/strict';
import type { JsonReply, TestGateway } from '../support/gateway.ts';

export type Json = Record<string, unknown>;

export function obj(value: unknown, what = 'value'): Json {
  assert.ok(
    typeof value === 'object' && value !== null && !Array.isArray(value),
    `${what}: expected an object, got ${JSON.stringify(value)}`,
  );
  return value as Json;
}

export function arr(value: unknown, what = 'value'): unknown[] {
  assert.ok(Array.isArray(value), `${what}: expected an array, got ${JSON.stringify(value)}`);
  return value;
}

export function str(value: unknown, what = 'value'): string {
  assert.equal(typeof value, 'string', `${what}: expected a string, got ${JSON.stringify(value)}`);
  return value as string;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let counter = 0;
/** A fresh valid resource name. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export interface AdminError {
  type: string;
  message: string;
  param?: string;
}

/** Asserts `{error:{type, message}}` with the status, and that the message names `field`. */
export function assertError(reply: JsonReply, status: number, field?: string): AdminError {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
  const error = obj(obj(reply.body, 'error body')['error'], 'error');
  const type = str(error['type'], 'error.type');
  const message = str(error['message'], 'error.message');
  assert.ok(type.length > 0, 'error.type is empty');
  assert.ok(message.length > 0, 'error.message is empty');
  if (field !== undefined) {
    assert.ok(message.includes(field), `message should name '${field}': ${message}`);
  }
  const param = error['param'];
  return typeof param === 'string' ? { type, message, param } : { type, message };
}

export interface AdminState {
  version: number;
  secrets: unknown[];
  models: unknown[];
  endpoints: unknown[];
}

export async function adminState(gw: TestGateway, headers: Record<string, string> = {}): Promise<AdminState> {
  const list = async (resource: string): Promise<unknown[]> => {
    const reply = await gw.call('GET', `/api/v1/${resource}?limit=1000`, undefined, headers);
    assert.equal(reply.status, 200, reply.text);
    return arr(obj(reply.body)['data']);
  };
  return {
    version: await gw.store.configVersion(),
    secrets: await list('secrets'),
    models: await list('models'),
    endpoints: await list('endpoints'),
  };
}

/** Sends a bad request and checks the error and that the whole admin state is unchanged. */
export async function assertRefused(
  gw: TestGateway,
  send: () => Promise<JsonReply>,
  status: number,
  field?: string,
): Promise<AdminError> {
  const before = await adminState(gw);
  const reply = await send();
  const error = assertError(reply, status, field);
  assert.deepEqual(await adminState(gw), before, 'a refused request must change nothing');
  return error;
}

export async function create(gw: TestGateway, resource: string, body: unknown): Promise<Json> {
  const reply = await gw.call('POST', `/api/v1/${resource}`, body);
  assert.equal(reply.status, 201, `create ${resource}: ${reply.status} ${reply.text}`);
  return obj(reply.body);
}

export async function get(gw: TestGateway, resource: string, ref: string): Promise<Json> {
  const reply = await gw.call('GET', `/api/v1/${resource}/${encodeURIComponent(ref)}`);
  assert.equal(reply.status, 200, `get ${resource}/${ref}: ${reply.status} ${reply.text}`);
  return obj(reply.body);
}

export async function patch(gw: TestGateway, resource: string, ref: string, body: unknown): Promise<Json> {
  const reply = await gw.call('PATCH', `/api/v1/${resource}/${encodeURIComponent(ref)}`, body);
  assert.equal(reply.status, 200, `patch ${resource}/${ref}: ${reply.status} ${reply.text}`);
  return obj(reply.body);
}

export async function remove(gw: TestGateway, resource: string, ref: string): Promise<void> {
  const reply = await gw.call('DELETE', `/api/v1/${resource}/${encodeURIComponent(ref)}`);
  assert.equal(reply.status, 204, `delete ${resource}/${ref}: ${reply.status} ${reply.text}`);
  assert.equal(reply.text, '');
}

export async function createSecret(
  gw: TestGateway,
  name: string,
  provider = 'openai',
  apiKey = 'sk-test-0123456789abcdef',
): Promise<Json> {
  return create(gw, 'secrets', { name, provider, value: { api_key: apiKey } });
}

export async function createModel(
  gw: TestGateway,
  name: string,
  secret: string,
  provider = 'openai',
  modelName = 'gpt-4o-mini',
): Promise<Json> {
  return create(gw, 'models', { name, provider, model_name: modelName, secret });
}

/** A secret, a model on it and an endpoint with that model as its one primary. */
export async function createChain(
  gw: TestGateway,
  prefix: string,
): Promise<{ secret: Json; model: Json; endpoint: Json }> {
  const secret = await createSecret(gw, `${prefix}-secret`);
  const model = await createModel(gw, `${prefix}-model`, `${prefix}-secret`);
  const endpoint = await create(gw, 'endpoints', {
    name: `${prefix}-ep`,
    models: [{ model: `${prefix}-model`, role: 'primary' }],
  });
  return { secret, model, endpoint };
}

/** Asserts the common resource fields: server-made id, the name, and timestamps. */
export function assertResource(resource: Json, idPrefix: string, name: string): void {
  assert.match(str(resource['id'], 'id'), new RegExp(`^${idPrefix}_[0-9a-z]{24}$`));
  assert.equal(resource['name'], name);
  assert.match(str(resource['created_at'], 'created_at'), ISO_TIMESTAMP);
  assert.match(str(resource['updated_at'], 'updated_at'), ISO_TIMESTAMP);
}

/** Every field but `updated_at` (and the ones listed) is the same in both. */
export function assertOnlyChanged(before: Json, after: Json, changed: readonly string[]): void {
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'updated_at' || changed.includes(key)) continue;
    assert.deepEqual(after[key], before[key], `field '${key}' should not have changed`);
  }
  assert.equal(after['created_at'], before['created_at']);
  assert.ok(
    str(after['updated_at']) > str(before['updated_at']),
    `updated_at should move forward: ${String(before['updated_at'])} -> ${String(after['updated_at'])}`,
  );
}
