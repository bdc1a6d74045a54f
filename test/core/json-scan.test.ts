import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applySplices,
  findMember,
  insertFirstMember,
  memberValue,
  objectMembers,
  objectStart,
  removeMember,
  replaceValue,
} from '../../src/core/json-scan.ts';
import { listFixtures, loadFixture } from '../fake-provider/index.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('json scan', () => {
  it('finds top-level members and their values, skipping nested ones', () => {
    const body = bytes(
      ' {"messages":[{"role":"user","content":"say \\"model\\": {x}"}],"model" : "gpt-4o", "stream":true,"n":1.5e3,"x":null} ',
    );
    const members = objectMembers(body);
    assert.ok(members);
    assert.deepEqual(
      members.map((m) => m.key),
      ['messages', 'model', 'stream', 'n', 'x'],
    );
    assert.equal(memberValue(body, findMember(members, 'model')!), 'gpt-4o');
    assert.equal(memberValue(body, findMember(members, 'stream')!), true);
    assert.equal(memberValue(body, findMember(members, 'n')!), 1500);
    assert.equal(memberValue(body, findMember(members, 'x')!), null);
  });

  it('handles escaped backslashes before a closing quote and unicode keys', () => {
    const body = bytes('{"a":"ends with \\\\","m\\u006fdel":"é\\u00e9"}');
    const members = objectMembers(body)!;
    assert.deepEqual(
      members.map((m) => m.key),
      ['a', 'model'],
    );
    assert.equal(memberValue(body, members[1]!), 'éé');
  });

  for (const bad of [
    '',
    '[]',
    '"x"',
    '{',
    '{"a"}',
    '{"a":}',
    '{"a":1,}',
    '{"a":1 "b":2}',
    '{"a":"unterminated}',
    '{"a":[1,2}',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.equal(objectMembers(bytes(bad)), null);
    });
  }

  it('accepts an empty object', () => {
    assert.deepEqual(objectMembers(bytes('{ }')), []);
  });

  it('replaces, removes and inserts members, leaving every other byte alone', () => {
    const body = bytes('{ "model": "a",\n  "messages": [ ],\n  "stream": true }');
    const members = objectMembers(body)!;
    const model = findMember(members, 'model')!;
    assert.equal(
      applySplices(body, [replaceValue(model, '"gpt-4o"')]).toString(),
      '{ "model": "gpt-4o",\n  "messages": [ ],\n  "stream": true }',
    );
    assert.equal(
      applySplices(body, [removeMember(body, members, model)]).toString(),
      '{ "messages": [ ],\n  "stream": true }',
    );
    assert.equal(
      applySplices(body, [removeMember(body, members, findMember(members, 'stream')!)]).toString(),
      '{ "model": "a",\n  "messages": [ ] }',
    );
    assert.equal(
      applySplices(body, [
        insertFirstMember(objectStart(body), members, 'stream_options', '{"include_usage":true}'),
      ]).toString(),
      '{"stream_options":{"include_usage":true}, "model": "a",\n  "messages": [ ],\n  "stream": true }',
    );
    const only = bytes('{"model":"a"}');
    const onlyMembers = objectMembers(only)!;
    assert.equal(applySplices(only, [removeMember(only, onlyMembers, onlyMembers[0]!)]).toString(), '{}');
    assert.equal(
      applySplices(bytes('{}'), [insertFirstMember(0, [], 'model', '"m"')]).toString(),
      '{"model":"m"}',
    );
  });

  it('agrees with JSON.parse on every recorded request body', () => {
    for (const name of listFixtures()) {
      const fixture = loadFixture(name);
      const body = bytes(JSON.stringify(fixture.request.body, null, 1));
      const members = objectMembers(body);
      assert.ok(members, name);
      const parsed = JSON.parse(body.toString()) as Record<string, unknown>;
      assert.deepEqual(
        members.map((m) => m.key),
        Object.keys(parsed),
        name,
      );
      for (const member of members)
        assert.deepEqual(memberValue(body, member), parsed[member.key], `${name} ${member.key}`);
    }
  });
});
