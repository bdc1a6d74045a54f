import type { DocumentPart, ImagePart, ImageSource, TextPart } from '../../canonical/request.ts';
import { arrayOf, isObject, type JsonObject } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';

/** Content parts of input messages and function call outputs. */

export type InputPart = TextPart | ImagePart | DocumentPart;

const DATA_URI = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

export function requiredString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  return value;
}

/** A string field that may be absent or null. */
export function optionalString(object: JsonObject, key: string, field: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  return value;
}

export function contentList(value: unknown, field: string): JsonObject[] {
  if (!Array.isArray(value)) throw invalidField(field, 'must be a string or an array of content parts');
  return arrayOf(value).map((part, index) => {
    if (!isObject(part)) throw invalidField(`${field}[${index}]`, 'must be an object');
    return part;
  });
}

function urlSource(url: string, field: string): ImageSource {
  const data = DATA_URI.exec(url);
  if (data) return { kind: 'base64', mediaType: data[1]!, data: data[2]! };
  if (url.startsWith('data:')) throw invalidField(field, 'a data URL must be base64-encoded');
  if (!/^https?:\/\//i.test(url)) throw invalidField(field, 'must be an http(s) URL or a base64 data URL');
  return { kind: 'url', url };
}

export function imagePart(part: JsonObject, field: string): ImagePart {
  const imageUrl = optionalString(part, 'image_url', `${field}.image_url`);
  const fileId = optionalString(part, 'file_id', `${field}.file_id`);
  let source: ImageSource;
  if (imageUrl !== undefined) source = urlSource(imageUrl, `${field}.image_url`);
  else if (fileId !== undefined) source = { kind: 'file', fileId };
  else throw invalidField(field, 'input_image needs image_url or file_id');
  const detail = optionalString(part, 'detail', `${field}.detail`);
  return detail === undefined ? { type: 'image', source } : { type: 'image', source, detail };
}

/** `file_data` is a data URL (as the SDK docs show) or bare base64, which OpenAI reads as a PDF. */
export function documentPart(part: JsonObject, field: string): DocumentPart {
  const fileData = optionalString(part, 'file_data', `${field}.file_data`);
  const fileUrl = optionalString(part, 'file_url', `${field}.file_url`);
  const fileId = optionalString(part, 'file_id', `${field}.file_id`);
  const filename = optionalString(part, 'filename', `${field}.filename`);
  let source: ImageSource;
  if (fileData !== undefined) {
    source = fileData.startsWith('data:')
      ? urlSource(fileData, `${field}.file_data`)
      : { kind: 'base64', mediaType: 'application/pdf', data: fileData };
  } else if (fileUrl !== undefined) source = urlSource(fileUrl, `${field}.file_url`);
  else if (fileId !== undefined) source = { kind: 'file', fileId };
  else throw invalidField(field, 'input_file needs file_data, file_url or file_id');
  return filename === undefined
    ? { type: 'document', source }
    : { type: 'document', source, title: filename };
}

/** A text-bearing part: input_text, output_text, or an assistant refusal (kept as its text). */
export function textOf(part: JsonObject, field: string): string | undefined {
  switch (part['type']) {
    case 'input_text':
    case 'output_text':
      return requiredString(part['text'], `${field}.text`);
    case 'refusal':
      return requiredString(part['refusal'], `${field}.refusal`);
    default:
      return undefined;
  }
}

/** A user message's or a function call output's part. */
export function inputPart(part: JsonObject, field: string): InputPart {
  const text = textOf(part, field);
  if (text !== undefined) return { type: 'text', text };
  switch (part['type']) {
    case 'input_image':
      return imagePart(part, field);
    case 'input_file':
      return documentPart(part, field);
    default:
      throw invalidField(`${field}.type`, `unknown content part type ${JSON.stringify(part['type'])}`);
  }
}

/** A part of a message that can hold text only (assistant, system and developer messages). */
export function textPart(part: JsonObject, field: string, role: string): TextPart {
  const text = textOf(part, field);
  if (text !== undefined) return { type: 'text', text };
  if (part['type'] === 'input_image' || part['type'] === 'input_file') {
    throw invalidField(`${field}.type`, `${role} messages take text only, not ${part['type']}`);
  }
  throw invalidField(`${field}.type`, `unknown content part type ${JSON.stringify(part['type'])}`);
}
