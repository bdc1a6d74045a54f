// Anthropic `count_tokens` (the SDK's messages.countTokens, which Claude Code calls) on every
// backend: vLLM and Gemini have no such API, so the gateway answers a local estimate without
// calling them; Anthropic gets the request passed through.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { loadFixture } from '../fake-provider/index.ts';
import { recorder, type SdkClients, sdkClients } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane, UPSTREAM_MODELS } from '../support/data-plane.ts';
import { answerReply, at, onlyUpstream, upstreamBody } from './support.ts';

let rig: DataPlaneRig;
let sdks: SdkClients;

before(async () => {
  rig = await startDataPlane();
  sdks = sdkClients(rig.gw.url, recorder().fetch);
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

const SHORT: Anthropic.Messages.MessageCountTokensParams = {
  model: '',
  messages: [{ role: 'user', content: 'What is 2 + 2?' }],
};

const LONGER: Anthropic.Messages.MessageCountTokensParams = {
  model: '',
  messages: [
    { role: 'user', content: 'What is 2 + 2? '.repeat(40) },
    { role: 'assistant', content: 'It is 4.' },
    { role: 'user', content: 'And times three?' },
  ],
};

const WITH_SYSTEM_AND_TOOLS: Anthropic.Messages.MessageCountTokensParams = {
  ...LONGER,
  system: [
    {
      type: 'text',
      text: 'You are a careful calculator. Show your working.',
      cache_control: { type: 'ephemeral' },
    },
  ],
  tools: [
    {
      name: 'calculate',
      description: 'Evaluate an arithmetic expression',
      input_schema: {
        type: 'object',
        properties: { expression: { type: 'string' } },
        required: ['expression'],
      },
    },
  ],
};

for (const model of ['vl', 'gm'] as const) {
  describe(`count_tokens on ${model}: a local estimate`, () => {
    test('positive, growing with the prompt, and the backend is never called', async () => {
      const short = await sdks.anthropic.messages.countTokens({ ...SHORT, model });
      const longer = await sdks.anthropic.messages.countTokens({ ...LONGER, model });
      const fuller = await sdks.anthropic.messages.countTokens({ ...WITH_SYSTEM_AND_TOOLS, model });
      assert.ok(short.input_tokens > 0, `short prompt: ${short.input_tokens}`);
      assert.ok(longer.input_tokens > short.input_tokens, `${longer.input_tokens} > ${short.input_tokens}`);
      assert.ok(fuller.input_tokens > longer.input_tokens, `${fuller.input_tokens} > ${longer.input_tokens}`);
      // Forty repeats of "What is 2 + 2? " are about 320 o200k tokens and dominate the longer prompt.
      assert.ok(
        longer.input_tokens >= 300 && longer.input_tokens <= 400,
        `about 320: ${longer.input_tokens}`,
      );
      assert.equal(rig.fake.requests.length, 0, 'no upstream request');
    });

    test('tool calls and tool results in history count too', async () => {
      const base = await sdks.anthropic.messages.countTokens({ ...SHORT, model });
      const history = await sdks.anthropic.messages.countTokens({
        model,
        messages: [
          { role: 'user', content: 'What is 2 + 2?' },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'toolu_1', name: 'calculate', input: { expression: '2 + 2' } }],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: 'The result is 4, computed exactly.' },
            ],
          },
        ],
      });
      assert.ok(history.input_tokens > base.input_tokens);
      assert.equal(rig.fake.requests.length, 0);
    });
  });
}

describe('count_tokens on an: passed through to Anthropic', () => {
  test('the recorded answer comes back; Anthropic got the body with its model name', async () => {
    const recorded = loadFixture('anthropic/count-tokens.json');
    rig.fake.enqueue(answerReply('anthropic/count-tokens.json'));
    const result = await sdks.anthropic.messages.countTokens({
      model: 'an',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is 2 + 2?' }] }],
    });
    assert.equal(result.input_tokens, at(recorded.response.body, 'input_tokens'));
    const up = onlyUpstream(rig);
    assert.equal(up.path, '/v1/messages/count_tokens');
    assert.deepEqual(upstreamBody(up), {
      model: UPSTREAM_MODELS.anthropic,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is 2 + 2?' }] }],
    });
  });
});
