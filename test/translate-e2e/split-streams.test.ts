// Every streamed backend answer of answers.json, sent in pieces cut at random places (seeded,
// so a failure can be replayed) with a pause between writes so the gateway reads them apart:
// each client's SDK must end up with exactly what it gets from the stream sent whole.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isObject } from '../../src/canonical/wire.ts';
import { sse } from '../fake-provider/index.ts';
import { recorder, type SdkClients, sdkClients } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import { prng } from '../support/prng.ts';
import { askClient, type Question } from './clients.ts';
import { answerReply, answerSse, type Backend, clientsOf, readTable } from './support.ts';

const SEEDS = [7, 1234];
const PIECES = 12;

/** `text` cut at `pieces - 1` random places. */
function cut(text: string, seed: number): string[] {
  const random = prng(seed);
  const cuts = new Set<number>();
  while (cuts.size < Math.min(PIECES - 1, text.length - 1))
    cuts.add(1 + Math.floor(random() * (text.length - 1)));
  const sorted = [...cuts].sort((a, b) => a - b);
  return [0, ...sorted].map((start, i) => text.slice(start, sorted[i] ?? text.length));
}

function streamedAnswers(): { backend: Backend; answer: string }[] {
  const table = readTable('answers.json');
  assert.ok(isObject(table) && Array.isArray(table['answers']));
  return table['answers']
    .filter((entry) => isObject(entry) && entry['stream'] === true)
    .map((entry) => entry as { backend: Backend; answer: string });
}

const question: Question = {
  prompt: 'Please answer.',
  tools: [{ name: 'any_tool', description: 'a tool', parameters: { type: 'object', properties: {} } }],
};

let rig: DataPlaneRig;
let sdks: SdkClients;

before(async () => {
  rig = await startDataPlane();
  sdks = sdkClients(rig.gw.url, recorder().fetch);
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

for (const { backend, answer } of streamedAnswers()) {
  describe(`${backend} streams ${answer} in random pieces`, () => {
    for (const client of clientsOf(backend)) {
      test(`${client} client sees the same answer (seeds ${SEEDS.join(', ')})`, async () => {
        rig.fake.enqueue(answerReply(answer));
        const whole = await askClient(sdks, client, backend, question, true);
        const text = answerSse(answer);
        for (const seed of SEEDS) {
          const pieces = cut(text, seed);
          assert.equal(pieces.join(''), text);
          rig.fake.enqueue(sse(pieces, { frameDelayMs: 1 }));
          const split = await askClient(sdks, client, backend, question, true);
          assert.deepEqual(split.normalized, whole.normalized, `seed ${seed}`);
        }
      });
    }
  });
}
