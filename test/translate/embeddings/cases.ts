import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { GatewayError } from '../../../src/core/errors.ts';

const ROOT = new URL('../../data/translation/embeddings/', import.meta.url);
const FIXTURES = new URL('../../data/fixtures/', import.meta.url);

export interface ExpectedError {
  status: number;
  code: string;
  message: string;
  param?: string;
}

/** Every `<folder>/*.json` case under test/data/translation/embeddings, by file name. */
export function loadCases<T>(folder: string): { name: string; data: T }[] {
  const dir = new URL(`${folder}/`, ROOT);
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  assert.ok(names.length > 0, `no cases in ${dir.pathname}`);
  return names.map((name) => ({ name, data: JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as T }));
}

export interface RecordedExchange {
  description: string;
  request: { body: unknown };
  response: { status: number; body: unknown };
}

export function loadFixture(path: string): RecordedExchange {
  return JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as RecordedExchange;
}

export function assertGatewayError(run: () => unknown, expected: ExpectedError): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
    assert.equal(error.message, expected.message);
    assert.equal(error.status, expected.status);
    assert.equal(error.code, expected.code);
    assert.equal(error.param, expected.param);
    return true;
  });
}

/** The float32 value of each number, as a base64 float32 decoder returns it. */
export function float32(vector: readonly number[]): number[] {
  return vector.map((value) => Math.fround(value));
}
