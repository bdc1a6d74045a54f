// Schemas and tool results whose size or depth comes from the client: cleaning stays linear,
// and what is too deep is a 400 (or, for a tool result, text), never a stalled process or a
// stack overflow.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalRequest, ToolDefinition } from '../../../src/canonical/request.ts';
import { isObject, type JsonObject } from '../../../src/canonical/wire.ts';
import { GatewayError } from '../../../src/core/errors.ts';
import { geminiGenerateInbound } from '../../../src/inbound/gemini-generate/index.ts';
import {
  MAX_INLINED_SCHEMAS,
  MAX_SCHEMA_DEPTH,
} from '../../../src/providers/gemini/translate/clean-schema.ts';
import { geminiGenerateCodec } from '../../../src/providers/gemini/translate/index.ts';
import type { WireGenerateContentRequest } from '../../../src/providers/gemini/translate/wire.ts';

function request(overrides: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    model: 'endpoint',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Go' }] }],
    tools: [],
    stream: false,
    dialectOnly: [],
    ...overrides,
  };
}

function encode(req: CanonicalRequest): WireGenerateContentRequest {
  return geminiGenerateCodec.encodeRequest(req, 'gemini-2.5-flash') as WireGenerateContentRequest;
}

function parametersOf(tool: ToolDefinition): JsonObject {
  const body = encode(request({ tools: [tool] }));
  return body.tools![0].functionDeclarations[0]!.parametersJsonSchema;
}

function assertRefused(run: () => unknown, param: string, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.param, param);
    assert.ok(error.message.includes(message), error.message);
    return true;
  });
}

/** `$defs` d0..d(levels-1), each using the next twice; d(levels) is a string. Inlined, 2^levels copies. */
function doublingChain(levels: number): JsonObject {
  const defs: JsonObject = {};
  for (let i = 0; i < levels; i++) {
    const next = { $ref: `#/$defs/d${i + 1}` };
    defs[`d${i}`] = { type: 'object', properties: { a: next, b: { ...next } } };
  }
  defs[`d${levels}`] = { type: 'string' };
  return { type: 'object', $defs: defs, properties: { x: { $ref: '#/$defs/d0' } } };
}

/** A schema `levels` schemas deep: objects each holding the next under `a`. */
function nested(levels: number): JsonObject {
  let schema: JsonObject = { type: 'string' };
  for (let i = 1; i < levels; i++) schema = { type: 'object', properties: { a: schema } };
  return schema;
}

function countSchemas(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, entry) => sum + countSchemas(entry), 0);
  if (!isObject(value)) return 0;
  return 1 + Object.values(value).reduce((sum: number, entry) => sum + countSchemas(entry), 0);
}

describe('Gemini provider: $ref inlining has a budget', () => {
  test('definitions that use each other twice per level keep their references: linear output, fast', () => {
    const started = performance.now();
    const schema = parametersOf({ name: 'f', parameters: doublingChain(40) });
    assert.ok(performance.now() - started < 1_000, 'cleaning took too long');
    assert.deepEqual(schema['properties'], { x: { $ref: '#/$defs/d0' } });
    const defs = schema['$defs'] as JsonObject;
    assert.equal(Object.keys(defs).length, 41);
    for (let i = 0; i < 40; i++) {
      assert.deepEqual(defs[`d${i}`], {
        type: 'object',
        properties: { a: { $ref: `#/$defs/d${i + 1}` }, b: { $ref: `#/$defs/d${i + 1}` } },
      });
    }
    assert.deepEqual(defs['d40'], { type: 'string' });
    assert.ok(JSON.stringify(schema).length < 5_000);
  });

  test('below the budget references are still inlined; above it they are kept', () => {
    const small = parametersOf({ name: 'f', parameters: doublingChain(10) });
    assert.equal(small['$defs'], undefined);
    assert.ok(countSchemas(small) < MAX_INLINED_SCHEMAS);
    assert.equal(JSON.stringify(small).includes('$ref'), false);
    const big = parametersOf({ name: 'f', parameters: doublingChain(13) });
    assert.equal(Object.keys(big['$defs'] as JsonObject).length, 14);
  });

  test('kept references keep a description beside them; recursion still resolves', () => {
    const parameters = doublingChain(14);
    (parameters['properties'] as JsonObject)['x'] = { $ref: '#/$defs/d0', description: 'the tree' };
    (parameters['properties'] as JsonObject)['self'] = { $ref: '#/definitions/Node' };
    parameters['definitions'] = {
      Node: {
        type: 'object',
        properties: { children: { type: 'array', items: { $ref: '#/definitions/Node' } } },
      },
    };
    const schema = parametersOf({ name: 'f', parameters });
    assert.deepEqual(schema['properties'], {
      x: { $ref: '#/$defs/d0', description: 'the tree' },
      self: { $ref: '#/$defs/Node' },
    });
    assert.deepEqual((schema['$defs'] as JsonObject)['Node'], {
      type: 'object',
      properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
    });
  });

  test('many kept references with one name get distinct $defs names', () => {
    const groups: JsonObject = {};
    const properties: JsonObject = {};
    for (let i = 0; i < 6_000; i++) {
      groups[`g${i}`] = { type: 'object', properties: { item: { type: 'string', description: `#${i}` } } };
      properties[`p${i}`] = { $ref: `#/$defs/g${i}/properties/item` };
    }
    const schema = parametersOf({ name: 'f', parameters: { type: 'object', $defs: groups, properties } });
    const names = Object.values(schema['properties'] as Record<string, { $ref: string }>).map(
      (property) => property.$ref,
    );
    assert.equal(new Set(names).size, 6_000);
    assert.equal(names[0], '#/$defs/item');
    assert.equal(names[1], '#/$defs/item_2');
    const defs = schema['$defs'] as JsonObject;
    assert.deepEqual(defs['item_2'], { type: 'string', description: '#1' });
  });
});

describe('Gemini provider: schema depth', () => {
  test(`a schema ${MAX_SCHEMA_DEPTH} levels deep is sent`, () => {
    const schema = parametersOf({ name: 'f', parameters: nested(MAX_SCHEMA_DEPTH) });
    assert.equal(JSON.stringify(schema), JSON.stringify(nested(MAX_SCHEMA_DEPTH)));
  });

  for (const levels of [MAX_SCHEMA_DEPTH + 1, 20_000]) {
    test(`a schema ${levels} levels deep is a 400 naming the tool`, () => {
      assertRefused(
        () =>
          encode(
            request({
              tools: [
                { name: 'ok', parameters: {} },
                { name: 'deep', parameters: nested(levels) },
              ],
            }),
          ),
        'tools[1].parameters',
        `the schema of tool 'deep' is nested more than ${MAX_SCHEMA_DEPTH} levels deep`,
      );
    });
  }

  test('a response format nested too deep is a 400 naming it', () => {
    assertRefused(
      () =>
        encode(request({ responseFormat: { type: 'json_schema', name: 'answer', schema: nested(20_000) } })),
      'response_format.json_schema.schema',
      "the schema of response format 'answer' is nested more than",
    );
  });

  test('references inlined too deep fall back to kept references', () => {
    // Each level is reached through a reference: 80 levels inlined, 1 level each as $defs.
    const defs: JsonObject = {};
    for (let i = 0; i < 80; i++)
      defs[`l${i}`] = { type: 'object', properties: { next: { $ref: `#/$defs/l${i + 1}` } } };
    defs['l80'] = { type: 'integer' };
    const schema = parametersOf({
      name: 'f',
      parameters: { type: 'object', $defs: defs, properties: { top: { $ref: '#/$defs/l0' } } },
    });
    assert.deepEqual(schema['properties'], { top: { $ref: '#/$defs/l0' } });
    assert.equal(Object.keys(schema['$defs'] as JsonObject).length, 81);
  });
});

describe('Gemini provider: tool results', () => {
  function responseFor(text: string): unknown {
    const body = encode(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Go' }] },
          { role: 'assistant', content: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: '{}' }] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', toolCallId: 'c1', content: [{ type: 'text', text }], isError: false },
            ],
          },
        ],
      }),
    );
    // The body must serialise: the pipeline sends it as JSON.
    JSON.stringify(body);
    return body.contents[2]!.parts[0]!.functionResponse!.response;
  }

  const deepObject = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  test('a JSON object result up to 64 levels deep is the response itself', () => {
    assert.deepEqual(responseFor(deepObject(64)), JSON.parse(deepObject(64)));
  });

  for (const levels of [65, 50_000]) {
    test(`a JSON object result ${levels} levels deep goes as text`, () => {
      assert.deepEqual(responseFor(deepObject(levels)), { result: deepObject(levels) });
    });
  }

  test('a $ref or $defs key anywhere, even under arrays, sends the result as text', () => {
    const text = JSON.stringify({ list: [{ deep: [{ $defs: {} }] }] });
    assert.deepEqual(responseFor(text), { result: text });
    assert.deepEqual(responseFor('{"ok":[1,{"b":null}]}'), { ok: [1, { b: null }] });
  });
});

describe('Gemini inbound: OpenAPI schemas nested too deep', () => {
  for (const levels of [MAX_SCHEMA_DEPTH + 1, 20_000]) {
    test(`parameters ${levels} levels deep is a 400, not a stack overflow`, () => {
      assertRefused(
        () =>
          geminiGenerateInbound.decodeRequest({
            contents: [{ role: 'user', parts: [{ text: 'Go' }] }],
            tools: [{ functionDeclarations: [{ name: 'f', parameters: nested(levels) }] }],
          }),
        'tools[0].functionDeclarations[0].parameters',
        `the schema is nested more than ${MAX_SCHEMA_DEPTH} levels deep`,
      );
    });
  }

  test('a responseSchema nested too deep is a 400', () => {
    assertRefused(
      () =>
        geminiGenerateInbound.decodeRequest({
          contents: [{ role: 'user', parts: [{ text: 'Go' }] }],
          generationConfig: { responseMimeType: 'application/json', responseSchema: nested(20_000) },
        }),
      'generationConfig.responseSchema',
      'nested more than',
    );
  });

  test(`parameters ${MAX_SCHEMA_DEPTH} levels deep decode`, () => {
    const decoded = geminiGenerateInbound.decodeRequest({
      contents: [{ role: 'user', parts: [{ text: 'Go' }] }],
      tools: [{ functionDeclarations: [{ name: 'f', parameters: nested(MAX_SCHEMA_DEPTH) }] }],
    });
    assert.deepEqual(decoded.tools[0]!.parameters, nested(MAX_SCHEMA_DEPTH));
  });
});

describe('Gemini inbound: call arguments and responses nested too deep to re-serialise', () => {
  const deep = (levels: number): unknown => JSON.parse('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));

  test('functionCall args 20,000 levels deep is a 400, not a RangeError', () => {
    assertRefused(
      () =>
        geminiGenerateInbound.decodeRequest({
          contents: [
            { role: 'user', parts: [{ text: 'Go' }] },
            { role: 'model', parts: [{ functionCall: { name: 'f', args: deep(20_000) } }] },
          ],
        }),
      'contents[1].parts[0].functionCall.args',
      'is nested too deeply',
    );
  });

  test('functionResponse response 20,000 levels deep is a 400, not a RangeError', () => {
    assertRefused(
      () =>
        geminiGenerateInbound.decodeRequest({
          contents: [
            { role: 'user', parts: [{ text: 'Go' }] },
            { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
            { role: 'user', parts: [{ functionResponse: { name: 'f', response: deep(20_000) } }] },
          ],
        }),
      'contents[2].parts[0].functionResponse.response',
      'is nested too deeply',
    );
  });
});
