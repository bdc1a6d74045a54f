import { GatewayError } from '../core/errors.ts';
import { findMember, type Member, memberValue, objectMembers } from '../core/json-scan.ts';
import { jsonErrorPosition } from '../http/body.ts';

/**
 * What routing needs from a client body: where `model` sits and whether it streams. Bodies
 * up to FULL_VALIDATION_BYTES are parsed once to validate them (a bad body is a clear 400
 * here rather than a provider's error later); larger ones (images, long documents) are only
 * checked for a well-formed top level, so one huge body cannot hold the event loop for
 * seconds. The parsed value is not kept: passthrough sends the client's own bytes.
 */
export interface RequestShape {
  members: Member[];
  model: Member | undefined;
  modelName: string | undefined;
  stream: boolean;
}

export const FULL_VALIDATION_BYTES = 1024 * 1024;

export function readRequestShape(body: Buffer): RequestShape {
  if (body.length === 0)
    throw new GatewayError('invalid_request', 'request body is empty; expected a JSON object');
  if (body.length <= FULL_VALIDATION_BYTES) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new GatewayError(
        'invalid_request',
        `request body is not valid JSON (${jsonErrorPosition(error)})`,
      );
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new GatewayError('invalid_request', 'request body must be a JSON object');
    }
  }
  const members = objectMembers(body);
  if (!members) throw new GatewayError('invalid_request', 'request body is not a valid JSON object');
  const model = findMember(members, 'model');
  const modelValue = model === undefined ? undefined : memberValue(body, model);
  if (model !== undefined && typeof modelValue !== 'string') {
    throw new GatewayError('invalid_request', "'model' must be a string", { param: 'model' });
  }
  const stream = findMember(members, 'stream');
  return {
    members,
    model,
    modelName: modelValue as string | undefined,
    stream: stream !== undefined && memberValue(body, stream) === true,
  };
}

export function requireModel(shape: RequestShape): string {
  if (shape.modelName === undefined || shape.modelName === '') {
    throw new GatewayError('missing_model', "Missing required 'model' parameter", { param: 'model' });
  }
  return shape.modelName;
}
