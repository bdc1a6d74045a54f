import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from 'undici';
import { TransportError, toTransportError } from '../../src/transport/errors.ts';

function systemError(code: string, syscall?: string): Error {
  return Object.assign(new Error(`${syscall ?? 'read'} ${code}`), { code, syscall });
}

describe('toTransportError', () => {
  const table: [string, unknown, TransportError['kind'] | null, TransportError['phase']?][] = [
    ['connect timeout', new errors.ConnectTimeoutError(), 'timeout', 'connect'],
    ['headers timeout', new errors.HeadersTimeoutError(), 'timeout', 'first_byte'],
    ['body timeout', new errors.BodyTimeoutError(), 'timeout', 'idle'],
    ['OS connect timeout', systemError('ETIMEDOUT', 'connect'), 'timeout', 'connect'],
    ['refused', systemError('ECONNREFUSED', 'connect'), 'connect'],
    ['DNS', systemError('ENOTFOUND', 'getaddrinfo'), 'connect'],
    ['unreachable', systemError('EHOSTUNREACH'), 'connect'],
    ['TLS certificate', systemError('CERT_HAS_EXPIRED'), 'connect'],
    ['TLS altname', systemError('ERR_TLS_CERT_ALTNAME_INVALID'), 'connect'],
    ['happy eyeballs', new AggregateError([systemError('ECONNREFUSED', 'connect')]), 'connect'],
    ['socket closed', new errors.SocketError('other side closed'), 'reset'],
    ['TCP reset', systemError('ECONNRESET'), 'reset'],
    ['broken pipe', systemError('EPIPE', 'write'), 'reset'],
    ['short body', new errors.ResponseContentLengthMismatchError(), 'reset'],
    ['malformed response', Object.assign(new Error('bad'), { code: 'HPE_INVALID_CONSTANT' }), 'reset'],
    ['request aborted', new errors.RequestAbortedError(), 'aborted'],
    ['DOM abort', new DOMException('aborted', 'AbortError'), 'aborted'],
    ['invalid argument', new errors.InvalidArgumentError('invalid header'), null],
    ['plain bug', new TypeError('x is undefined'), null],
    ['not an error', 'boom', null],
  ];
  for (const [name, input, kind, phase] of table) {
    it(name, () => {
      const err = toTransportError(input);
      if (kind === null) {
        assert.equal(err, null);
        return;
      }
      assert.ok(err instanceof TransportError);
      assert.equal(err.kind, kind);
      assert.equal(err.phase, phase);
      assert.equal(err.cause, input);
    });
  }

  it('passes TransportErrors through', () => {
    const err = new TransportError('timeout', 'x', { phase: 'total' });
    assert.equal(toTransportError(err), err);
  });
});
