import { GatewayError } from '../core/errors.ts';
import { findMember, type Member, objectMembers } from '../core/json-scan.ts';
import { jsonErrorPosition } from '../http/body.ts';

/**
 * What routing needs from a client body. The body is parsed once to validate it (a bad body
 * is a clear 400 here rather than a provider's error later); the top-level scan gives the
 * byte positions that passthrough splices, so the bytes sent upstream are the client's own.
 */
export interface RequestShape {
  /** The parsed body: read-only, never re-serialised for passthrough. */
  json: Readonly<Record<string, unknown>>;
  members: Member[];
  model: Member | undefined;
  modelName: string | undefined;
  stream: boolean;
}

export function readRequestShape(body: Uint8Array): RequestShape {
  if (body.length === 0)
    throw new GatewayError('invalid_request', 'request body is empty; expected a JSON object');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new GatewayError('invalid_request', `request body is not valid JSON (${jsonErrorPosition(error)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError('invalid_request', 'request body must be a JSON object');
  }
  const members = objectMembers(body);
  if (!members) throw new GatewayError('invalid_request', 'request body is not a valid JSON object');
  const object = json as Record<string, unknown>;
  const modelValue = object['model'];
  if (modelValue !== undefined && typeof modelValue !== 'string') {
    throw new GatewayError('invalid_request', "'model' must be a string", { param: 'model' });
  }
  return {
    json: object,
    members,
    model: findMember(members, 'model'),
    modelName: modelValue,
    stream: object['stream'] === true,
  };
}

export function requireModel(shape: RequestShape): string {
  if (shape.modelName === undefined || shape.modelName === '') {
    throw new GatewayError('missing_model', "Missing required 'model' parameter", { param: 'model' });
  }
  return shape.modelName;
}
