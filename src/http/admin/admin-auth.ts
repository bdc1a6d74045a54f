import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../core/errors.ts';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

function isLoopbackUrl(value: string): boolean {
  try {
    return LOOPBACK_HOST.test(new URL(value).host);
  } catch {
    return false;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Loopback-only mode trusts the socket's address, which a browser on the same machine can
 * also reach: a page could send requests (DNS rebinding, or a plain cross-site POST). So
 * the Host must name loopback, a browser Origin must be loopback too, and a request that
 * came through a proxy (which makes every client look local) is not trusted at all.
 */
function loopbackOnly(req: IncomingMessage): void {
  const refuse = (why: string) => {
    throw new GatewayError(
      'unauthorized',
      `the admin API answers local clients only while SWITCHYARD_ADMIN_TOKEN is unset (${why}); set a token to manage it from elsewhere`,
    );
  };
  if (!isLoopback(req.socket.remoteAddress)) refuse('the caller is not on loopback');
  if (req.headers['x-forwarded-for'] !== undefined || req.headers['forwarded'] !== undefined) {
    refuse('the request came through a proxy');
  }
  if (!LOOPBACK_HOST.test(req.headers.host ?? '')) refuse('the Host header does not name loopback');
  const origin = req.headers.origin;
  if (origin !== undefined && !isLoopbackUrl(origin)) refuse('a browser page from another origin sent it');
}

/**
 * With SWITCHYARD_ADMIN_TOKEN set, the admin API wants `Authorization: Bearer <token>`
 * (compared in constant time); without it, only local clients are served.
 */
export function adminGuard(adminToken: string | null): (req: IncomingMessage) => void {
  if (adminToken === null) return loopbackOnly;
  const expected = digest(adminToken);
  return (req) => {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const presented = match?.[1]?.trim();
    if (presented === undefined) {
      throw new GatewayError('unauthorized', 'missing admin token: send Authorization: Bearer <token>');
    }
    if (!timingSafeEqual(digest(presented), expected))
      throw new GatewayError('unauthorized', 'invalid admin token');
  };
}
