import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../core/errors.ts';

/** Reads the whole body, refusing more than `limit` bytes (413) without buffering past it. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    // A client that goes away mid-upload surfaces as 'error' (aborted) or 'close': its
    // problem, not the gateway's, so it is not logged as an internal error.
    const onAborted = () => {
      cleanup();
      reject(
        new GatewayError('invalid_request', 'the client closed the connection before sending the whole body'),
      );
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onAborted);
  });
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('payload_too_large', `request body is larger than the limit of ${limit} bytes`);
}

export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(req, limit);
  if (body.length === 0) throw new GatewayError('invalid_request', 'request body is empty; expected JSON');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new GatewayError('invalid_request', `request body is not valid JSON (${jsonErrorPosition(error)})`);
  }
}

/** Where JSON.parse gave up, without the snippet of the body V8 quotes (it may hold a secret). */
export function jsonErrorPosition(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return `syntax error at byte ${position}`;
  if (/Unexpected end of JSON input/.test(message)) return 'unexpected end of input';
  return 'syntax error';
}
