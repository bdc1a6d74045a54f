import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../core/errors.ts';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * With SWITCHYARD_ADMIN_TOKEN set, the admin API wants `Authorization: Bearer <token>`
 * (compared in constant time); without it, only loopback clients are served.
 */
export function adminGuard(adminToken: string | null): (req: IncomingMessage) => void {
  if (adminToken === null) {
    return (req) => {
      if (!isLoopback(req.socket.remoteAddress)) {
        throw new GatewayError(
          'unauthorized',
          'the admin API answers loopback clients only while SWITCHYARD_ADMIN_TOKEN is unset',
        );
      }
    };
  }
  const expected = digest(adminToken);
  return (req) => {
    const header = req.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null;
    if (presented === null)
      throw new GatewayError('unauthorized', 'missing admin token: send Authorization: Bearer <token>');
    if (!timingSafeEqual(digest(presented), expected))
      throw new GatewayError('unauthorized', 'invalid admin token');
  };
}
