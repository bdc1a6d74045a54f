import { GatewayError } from '../core/errors.ts';
import { findMember, type Member, memberValue, objectMembers } from '../core/json-scan.ts';
import { jsonErrorPosition } from '../http/body.ts';

/**
 * What routing needs from a client body: where `model` sits and whether it streams. Bodies
 * up to FULL_VALIDATION_BYTES are parsed once to validate them (a bad body is a clear 400
 * here rather than a provider's error later); larger ones (a coding agent's turn, images,
 * long documents) are only checked for a well-formed top level and balanced brackets:
 * parsing 200 KB costs the gateway more than everything else it does for a request, and
 * passthrough sends the client's own bytes, so a provider still judges them. A translated
 * request is parsed by its decoder, which refuses bad JSON at any size.
 */
export interface RequestShape {
  members: Member[];
  model: Member | undefined;
  modelName: string | undefined;
  stream: boolean;
  /**
   * The validation parse, for a translation to decode instead of parsing again; taken (and
   * cleared) by the first exchange, so an open passthrough stream does not hold it.
   */
  parsed?: Record<string, unknown>;
}

export const FULL_VALIDATION_BYTES = 64 * 1024;

export function readRequestShape(body: Buffer): RequestShape {
  if (body.length === 0)
    throw new GatewayError('invalid_request', 'request body is empty; expected a JSON object');
  let parsed: Record<string, unknown> | undefined;
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
    parsed = json as Record<string, unknown>;
  }
  const members = objectMembers(body);
  if (!members) throw new GatewayError('invalid_request', 'request body is not a valid JSON object');
  const model = findMember(members, 'model');
  // The validation parse already holds the values (the last duplicate wins in both).
  const valueOfMember = (member: Member | undefined, key: string): unknown =>
    member === undefined ? undefined : parsed ? parsed[key] : memberValue(body, member);
  const modelValue = valueOfMember(model, 'model');
  if (model !== undefined && typeof modelValue !== 'string') {
    throw new GatewayError('invalid_request', "'model' must be a string", { param: 'model' });
  }
  const stream = findMember(members, 'stream');
  return {
    members,
    model,
    modelName: modelValue as string | undefined,
    stream: valueOfMember(stream, 'stream') === true,
    ...(parsed === undefined ? {} : { parsed }),
  };
}

export function requireModel(shape: RequestShape): string {
  if (shape.modelName === undefined || shape.modelName === '') {
    throw new GatewayError('missing_model', "Missing required 'model' parameter", { param: 'model' });
  }
  return shape.modelName;
}
