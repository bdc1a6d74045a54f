// "The message the SDK accumulates from the stream equals the non-streamed answer to the same
// request": for every translated pair, a backend answer and a stream of the same answer
// (test/data/translation/e2e/pairs.json) go to the same client, once streamed and once not,
// and the two SDK results are compared whole after normalising ids, timestamps and the JSON
// formatting of tool arguments (see clients.ts).

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isObject } from '../../src/canonical/wire.ts';
import { recorder, type SdkClients, sdkClients } from '../sdk/sdk-helpers.ts';
import { type DataPlaneRig, startDataPlane } from '../support/data-plane.ts';
import { askClient, type Question } from './clients.ts';
import { answerIsStream, answerReply, type Backend, clientsOf, readTable } from './support.ts';

interface Pair {
  backend: Backend;
  json: string;
  stream: string;
  note: string;
}

function pairs(): Pair[] {
  const table = readTable('pairs.json');
  assert.ok(isObject(table) && Array.isArray(table['pairs']), 'pairs.json has pairs');
  return table['pairs'].map((entry) => {
    const pair = entry as Pair;
    assert.equal(answerIsStream(pair.json), false, `${pair.json} is a JSON answer`);
    assert.equal(answerIsStream(pair.stream), true, `${pair.stream} is a stream`);
    return pair;
  });
}

const question: Question = {
  prompt: 'What is the weather in Paris?',
  system: 'Be brief.',
  tools: [
    {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
        required: ['city'],
      },
    },
  ],
};

let rig: DataPlaneRig;
let sdks: SdkClients;

before(async () => {
  rig = await startDataPlane();
  sdks = sdkClients(rig.gw.url, recorder().fetch);
});
after(() => rig.close());
beforeEach(() => rig.fake.reset());

for (const pair of pairs()) {
  describe(`${pair.backend}: ${pair.json} / ${pair.stream} (${pair.note})`, () => {
    for (const client of clientsOf(pair.backend)) {
      test(`${client} client: streamed result equals the non-streamed one`, async () => {
        rig.fake.enqueue(answerReply(pair.json));
        const whole = await askClient(sdks, client, pair.backend, question, false);
        rig.fake.enqueue(answerReply(pair.stream));
        const streamed = await askClient(sdks, client, pair.backend, question, true);

        assert.equal(rig.fake.requests.length, 2);
        assert.ok(whole.text !== '' || whole.toolCalls.length > 0, 'the answer says something');
        assert.deepEqual(streamed.normalized, whole.normalized);
      });
    }
  });
}
