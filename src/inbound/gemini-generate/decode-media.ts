import type { DocumentPart, ImagePart } from '../../canonical/request.ts';
import { isObject, type JsonObject, stringOf } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';
import { member } from './fields.ts';

/** `inlineData` or `fileData` as an image or a PDF; other media have no equivalent elsewhere. */
export function decodeMedia(part: JsonObject, path: string): ImagePart | DocumentPart | undefined {
  const inline = member(part, 'inlineData');
  if (inline !== undefined) {
    const field = `${path}.inlineData`;
    if (!isObject(inline)) throw invalidField(field, 'must be an object');
    const mediaType = mimeType(inline, field);
    const data = stringOf(inline['data']);
    if (data === undefined || data === '')
      throw invalidField(`${field}.data`, 'must be a non-empty base64 string');
    return mediaPart({ kind: 'base64', mediaType, data }, mediaType, field);
  }
  const file = member(part, 'fileData');
  if (file !== undefined) {
    const field = `${path}.fileData`;
    if (!isObject(file)) throw invalidField(field, 'must be an object');
    const mediaType = mimeType(file, field);
    const fileId = stringOf(member(file, 'fileUri'));
    if (fileId === undefined || fileId === '')
      throw invalidField(`${field}.fileUri`, 'must be a non-empty string');
    return mediaPart({ kind: 'file', fileId, mediaType }, mediaType, field);
  }
  return undefined;
}

function mimeType(blob: JsonObject, field: string): string {
  const value = stringOf(member(blob, 'mimeType'));
  if (value === undefined || value === '') {
    throw invalidField(`${field}.mimeType`, 'is required when translating to another provider');
  }
  return value.toLowerCase();
}

function mediaPart(source: ImagePart['source'], mediaType: string, field: string): ImagePart | DocumentPart {
  if (mediaType.startsWith('image/')) return { type: 'image', source };
  if (mediaType === 'application/pdf') return { type: 'document', source };
  throw invalidField(
    `${field}.mimeType`,
    `'${mediaType}' cannot be translated to another provider (only images and PDF documents can)`,
  );
}
