// The thinnest possible Node proxy, the limit for any Node gateway: node:http in, undici out
// (one keep-alive Agent, pipelining 1), method, path, headers and body forwarded, status,
// headers and body streamed back. Parses nothing.
//   node bench/thin-proxy.ts --upstream http://127.0.0.1:PORT [--port 0]

import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } },
});
if (values.upstream === undefined) throw new Error('thin proxy: --upstream URL is required');
const origin = new URL(values.upstream).origin;
const agent = new Agent({ pipelining: 1, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const method = req.method ?? 'GET';
  agent
    .request({
      origin,
      path: req.url ?? '/',
      method,
      headers: forwardable(req.headers),
      body: method === 'GET' || method === 'HEAD' ? null : req,
      signal: abort.signal,
    })
    .then(
      (up) => {
        res.writeHead(up.statusCode, forwardable(up.headers));
        // .pipe, not stream.pipeline: pipeline makes an AbortController per call and aborts it
        // when done, building a DOMException with a stack trace for every response.
        up.body.on('error', () => res.destroy()).pipe(res);
      },
      () => {
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end();
      },
    );
});

server.listen(Number(values.port), '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`thin proxy listening on http://127.0.0.1:${port} -> ${origin}`);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
