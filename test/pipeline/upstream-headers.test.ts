import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bodyExcerpt, relayedHeaders } from '../../src/pipeline/upstream-headers.ts';

describe('relayed provider headers', () => {
  it('keeps retry hints, rate limits and the provider request id; drops the rest', () => {
    const relayed = relayedHeaders({
      'content-type': 'application/json',
      'retry-after': '3',
      'retry-after-ms': '3000',
      'x-ratelimit-remaining-requests': '99',
      'anthropic-ratelimit-tokens-remaining': '1000',
      'request-id': 'req_anthropic',
      'x-request-id': 'req_openai',
      'openai-processing-ms': '12',
      'openai-organization': 'operators-org-id',
      'set-cookie': '__cf_bm=abc',
      server: 'cloudflare',
    });
    assert.deepEqual(relayed, {
      'retry-after': '3',
      'retry-after-ms': '3000',
      'x-ratelimit-remaining-requests': '99',
      'anthropic-ratelimit-tokens-remaining': '1000',
      'request-id': 'req_anthropic',
      'openai-processing-ms': '12',
      'x-upstream-request-id': 'req_openai',
    });
  });

  it('reduces an HTML error page to a short line of text', () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>${'x'.repeat(500)}</body></html>`;
    const excerpt = bodyExcerpt(page);
    assert.match(excerpt, /^502 Bad Gateway Bad Gateway x+\.\.\.$/);
    assert.ok(excerpt.length <= 203);
  });
});
