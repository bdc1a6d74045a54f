import type { DocumentPart, ImagePart, ImageSource, TextPart } from '../../canonical/request.ts';
import { isObject, stringOf } from '../../canonical/wire.ts';
import { invalidField } from '../../core/errors.ts';

const DATA_URI = /^data:([^;,]+)(?:;[^;,]*)*;base64,/;

/** A `data:<type>;base64,...` URI as a base64 source; any other URL stays a URL. */
function sourceFromUrl(url: string, path: string): ImageSource {
  if (!url.startsWith('data:')) return { kind: 'url', url };
  const match = DATA_URI.exec(url);
  if (!match) throw invalidField(path, 'a data URI must be base64-encoded (data:<media type>;base64,...)');
  return { kind: 'base64', mediaType: match[1]!, data: url.slice(match[0].length) };
}

function imagePart(value: unknown, path: string): ImagePart {
  const imageUrl = isObject(value) ? value : undefined;
  const url = stringOf(imageUrl?.['url']);
  if (!imageUrl || !url) throw invalidField(`${path}.image_url`, 'must be an object with a string url');
  const part: ImagePart = { type: 'image', source: sourceFromUrl(url, `${path}.image_url.url`) };
  const detail = stringOf(imageUrl['detail']);
  if (detail !== undefined) part.detail = detail;
  return part;
}

function documentPart(value: unknown, path: string): DocumentPart {
  if (!isObject(value)) throw invalidField(`${path}.file`, 'must be an object');
  const fileData = stringOf(value['file_data']);
  const fileId = stringOf(value['file_id']);
  let source: ImageSource;
  if (fileData !== undefined) {
    source = fileData.startsWith('data:')
      ? sourceFromUrl(fileData, `${path}.file.file_data`)
      : // The API also takes bare base64; without a media type it can only be a PDF.
        { kind: 'base64', mediaType: 'application/pdf', data: fileData };
  } else if (fileId !== undefined) {
    source = { kind: 'file', fileId };
  } else {
    throw invalidField(`${path}.file`, 'needs file_data or file_id');
  }
  const part: DocumentPart = { type: 'document', source };
  const filename = stringOf(value['filename']);
  if (filename !== undefined) part.title = filename;
  return part;
}

/** One part of a user message's content array. */
export function userPart(value: unknown, path: string): TextPart | ImagePart | DocumentPart {
  if (!isObject(value)) throw invalidField(path, 'must be a content part object');
  const type = stringOf(value['type']);
  switch (type) {
    case 'text': {
      const text = stringOf(value['text']);
      if (text === undefined) throw invalidField(`${path}.text`, 'must be a string');
      return { type: 'text', text };
    }
    case 'image_url':
      return imagePart(value['image_url'], path);
    case 'file':
      return documentPart(value['file'], path);
    case 'input_audio':
      throw invalidField(path, 'input_audio is not supported when translating to another provider');
    default:
      throw invalidField(`${path}.type`, `unknown content part type ${JSON.stringify(value['type'])}`);
  }
}

/**
 * Content that may only hold text: a string, or an array of `text` parts (assistant
 * messages may also hold `refusal` parts, kept as text). `null` is no content.
 */
export function textContent(value: unknown, path: string, allowRefusal = false): TextPart[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidField(path, 'must be a string or an array of text parts');
  return value.map((item, j) => {
    const partPath = `${path}[${j}]`;
    if (!isObject(item)) throw invalidField(partPath, 'must be a content part object');
    const type = stringOf(item['type']);
    const key = type === 'text' ? 'text' : type === 'refusal' && allowRefusal ? 'refusal' : undefined;
    if (key === undefined) {
      throw invalidField(`${partPath}.type`, `must be ${allowRefusal ? "'text' or 'refusal'" : "'text'"}`);
    }
    const text = stringOf(item[key]);
    if (text === undefined) throw invalidField(`${partPath}.${key}`, 'must be a string');
    return { type: 'text', text };
  });
}
