import { GatewayError } from '../core/errors.ts';
import { findMember, type Member, memberValue, objectMembers } from '../core/json-scan.ts';

/** What routing needs from a client body, read from its top level without a full parse. */
export interface RequestShape {
  members: Member[];
  model: Member | undefined;
  modelName: string | undefined;
  stream: boolean;
}

export function readRequestShape(body: Uint8Array): RequestShape {
  if (body.length === 0)
    throw new GatewayError('invalid_request', 'request body is empty; expected a JSON object');
  const members = objectMembers(body);
  if (!members) throw new GatewayError('invalid_request', 'request body is not a valid JSON object');
  const model = findMember(members, 'model');
  let modelName: string | undefined;
  if (model) {
    const value = memberValue(body, model);
    if (typeof value !== 'string')
      throw new GatewayError('invalid_request', "'model' must be a string", { param: 'model' });
    modelName = value;
  }
  const stream = findMember(members, 'stream');
  return { members, model, modelName, stream: stream !== undefined && memberValue(body, stream) === true };
}

export function requireModel(shape: RequestShape): string {
  if (shape.modelName === undefined || shape.modelName === '') {
    throw new GatewayError('missing_model', "Missing required 'model' parameter", { param: 'model' });
  }
  return shape.modelName;
}
