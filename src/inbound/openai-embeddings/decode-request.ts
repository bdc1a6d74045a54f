import type { EmbeddingRequest } from '../../canonical/embeddings.ts';
import { isObject } from '../../canonical/wire.ts';
import { GatewayError, invalidField } from '../../core/errors.ts';
import { MAX_INPUTS } from './wire.ts';

/**
 * An OpenAI embeddings request, for a backend that is not OpenAI-compatible (those are
 * passed through untouched). Validation follows OpenAI's: a 400 naming the field.
 */
export function decodeEmbeddingsRequest(body: unknown): EmbeddingRequest {
  if (!isObject(body)) throw new GatewayError('invalid_request', 'request body must be a JSON object');
  const request: EmbeddingRequest = {
    model: modelOf(body['model']),
    inputs: [],
    encodingFormat: 'float',
  };
  const dimensions = body['dimensions'];
  if (dimensions !== undefined && dimensions !== null) {
    if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) {
      throw invalidField(
        'dimensions',
        `must be an integer of at least 1 (got ${JSON.stringify(dimensions)})`,
      );
    }
    request.dimensions = dimensions;
  }
  const format = body['encoding_format'];
  if (format !== undefined && format !== null) {
    if (format !== 'float' && format !== 'base64') {
      throw invalidField('encoding_format', `must be "float" or "base64" (got ${JSON.stringify(format)})`);
    }
    request.encodingFormat = format;
  }
  request.inputs = inputsOf(body['input']);
  const user = body['user'];
  if (user !== undefined && user !== null) {
    if (typeof user !== 'string') throw invalidField('user', 'must be a string');
    request.user = user;
  }
  return request;
}

function modelOf(model: unknown): string {
  if (model === undefined || model === null || model === '') {
    throw new GatewayError('missing_model', "Missing required 'model' parameter", { param: 'model' });
  }
  if (typeof model !== 'string') throw invalidField('model', 'must be a string');
  return model;
}

const TOKEN_ARRAYS =
  "token arrays are not supported when the endpoint's provider is not OpenAI-compatible: send text";

function inputsOf(input: unknown): string[] {
  if (input === undefined || input === null) throw invalidField('input', 'is required');
  if (typeof input === 'string') {
    if (input === '') throw invalidField('input', 'must not be an empty string');
    return [input];
  }
  if (!Array.isArray(input)) {
    throw invalidField('input', 'must be a string or an array of strings');
  }
  if (input.length === 0) throw invalidField('input', 'must not be an empty array');
  const first: unknown = input[0];
  if (typeof first === 'number' || Array.isArray(first)) throw invalidField('input', TOKEN_ARRAYS);
  if (input.length > MAX_INPUTS) {
    throw invalidField('input', `at most ${MAX_INPUTS} inputs per request (got ${input.length})`);
  }
  return input.map((item: unknown, index) => {
    if (typeof item !== 'string') throw invalidItem(index, 'must be a string');
    if (item === '') throw invalidItem(index, 'must not be an empty string');
    return item;
  });
}

function invalidItem(index: number, problem: string): GatewayError {
  return new GatewayError('invalid_request', `input[${index}]: ${problem}`, { param: 'input' });
}
