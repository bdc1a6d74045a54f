// Keyset pagination of the admin lists: `?limit=&cursor=` → `{data, next_cursor}`.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { arr, assertRefused, createChain, obj, remove, str } from './admin-helpers.ts';

const RESOURCES = ['secrets', 'models', 'endpoints'] as const;
const COUNT = 25;

interface Page {
  ids: string[];
  names: string[];
  next: string | null;
}

describe('admin API: pagination', () => {
  let gw: TestGateway;
  /** Per resource, the ids in creation order. */
  const created: Record<string, string[]> = { secrets: [], models: [], endpoints: [] };

  before(async () => {
    gw = await startGateway();
    for (let i = 0; i < COUNT; i++) {
      const chain = await createChain(gw, `page-${String(i).padStart(2, '0')}`);
      created['secrets']!.push(str(chain.secret['id']));
      created['models']!.push(str(chain.model['id']));
      created['endpoints']!.push(str(chain.endpoint['id']));
    }
  });
  after(async () => {
    await gw.close();
  });

  async function page(resource: string, query: string): Promise<Page> {
    const reply = await gw.call('GET', `/api/v1/${resource}${query}`);
    assert.equal(reply.status, 200, reply.text);
    const body = obj(reply.body);
    assert.deepEqual(Object.keys(body).sort(), ['data', 'next_cursor']);
    const data = arr(body['data']).map((item) => obj(item));
    const next = body['next_cursor'];
    assert.ok(next === null || typeof next === 'string', `next_cursor: ${JSON.stringify(next)}`);
    return { ids: data.map((d) => str(d['id'])), names: data.map((d) => str(d['name'])), next };
  }

  async function walk(resource: string, limit: number): Promise<{ pages: number[]; ids: string[] }> {
    const sizes: number[] = [];
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const query: string =
        cursor === null ? `?limit=${limit}` : `?limit=${limit}&cursor=${encodeURIComponent(cursor)}`;
      const current = await page(resource, query);
      sizes.push(current.ids.length);
      ids.push(...current.ids);
      if (current.next === null) return { pages: sizes, ids };
      cursor = current.next;
    }
    assert.fail('pagination did not end');
  }

  for (const resource of RESOURCES) {
    it(`${resource}: limit=10 pages 10, 10, 5 and every item once, in creation order`, async () => {
      const { pages, ids } = await walk(resource, 10);
      assert.deepEqual(pages, [10, 10, 5]);
      assert.equal(new Set(ids).size, COUNT);
      assert.deepEqual(ids, created[resource]);
    });
  }

  it('endpoints: names come back in creation order too, with their models', async () => {
    const reply = await gw.call('GET', '/api/v1/endpoints?limit=10');
    const data = arr(obj(reply.body)['data']).map((e) => obj(e));
    assert.deepEqual(
      data.map((e) => e['name']),
      Array.from({ length: 10 }, (_, i) => `page-${String(i).padStart(2, '0')}-ep`),
    );
    for (const [i, endpoint] of data.entries()) {
      const models = arr(endpoint['models']).map((m) => obj(m));
      assert.equal(models.length, 1);
      assert.equal(models[0]?.['model'], `page-${String(i).padStart(2, '0')}-model`);
    }
  });

  it('without a limit the default page holds all 25 and next_cursor is null', async () => {
    const all = await page('endpoints', '');
    assert.equal(all.ids.length, COUNT);
    assert.equal(all.next, null);
  });

  it('a limit equal to the count ends with next_cursor null; one less leaves one more page', async () => {
    assert.equal((await page('endpoints', `?limit=${COUNT}`)).next, null);
    const first = await page('endpoints', `?limit=${COUNT - 1}`);
    assert.ok(first.next);
    const rest = await page('endpoints', `?limit=${COUNT - 1}&cursor=${first.next}`);
    assert.deepEqual(rest.ids, created['endpoints']!.slice(COUNT - 1));
    assert.equal(rest.next, null);
  });

  it('limit=1 walks every item', async () => {
    const { pages, ids } = await walk('models', 1);
    assert.equal(pages.length, COUNT);
    assert.deepEqual(ids, created['models']);
  });

  it('limit=1000 is allowed', async () => {
    assert.equal((await page('secrets', '?limit=1000')).ids.length, COUNT);
  });

  it('a cursor stays valid after the item it points at is deleted', async () => {
    const first = await page('endpoints', '?limit=5');
    assert.ok(first.next);
    await remove(gw, 'endpoints', first.ids[4]!);
    const second = await page('endpoints', `?limit=5&cursor=${first.next}`);
    assert.deepEqual(second.ids, created['endpoints']!.slice(5, 10));
  });

  for (const resource of RESOURCES) {
    for (const limit of ['0', '1001', 'abc', '-1', '1.5', '', '10abc']) {
      it(`${resource}: limit=${JSON.stringify(limit)} → 400 naming limit`, async () => {
        await assertRefused(gw, () => gw.call('GET', `/api/v1/${resource}?limit=${limit}`), 400, 'limit');
      });
    }
    for (const cursor of ['garbage', 'bm90LWEtY3Vyc29y', '!!!', 'sec_123']) {
      it(`${resource}: cursor=${cursor} → 400 naming cursor`, async () => {
        await assertRefused(
          gw,
          () => gw.call('GET', `/api/v1/${resource}?limit=10&cursor=${encodeURIComponent(cursor)}`),
          400,
          'cursor',
        );
      });
    }
  }
});
