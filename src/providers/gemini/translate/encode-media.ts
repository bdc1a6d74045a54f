import type { DocumentPart, ImagePart } from '../../../canonical/request.ts';
import { invalidField } from '../../../core/errors.ts';
import type { WirePart } from './wire.ts';

const DATA_URI = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** An image or document as `inlineData` (bytes) or `fileData` (a URL or Gemini file URI). */
export function mediaPart(part: ImagePart | DocumentPart, path: string): WirePart {
  const source = part.source;
  switch (source.kind) {
    case 'base64':
      return { inlineData: { mimeType: source.mediaType, data: source.data } };
    case 'url': {
      const inline = DATA_URI.exec(source.url);
      if (inline) return { inlineData: { mimeType: inline[1]!, data: inline[2]! } };
      const mimeType = part.type === 'document' ? 'application/pdf' : typeFromExtension(source.url);
      return { fileData: mimeType ? { mimeType, fileUri: source.url } : { fileUri: source.url } };
    }
    case 'file':
      // Another provider's file id (OpenAI's `file-...`) means nothing to Gemini; its URIs do.
      if (!source.fileId.includes('://')) {
        throw invalidField(path, `file '${source.fileId}' is not a Gemini file URI`);
      }
      return {
        fileData: source.mediaType
          ? { mimeType: source.mediaType, fileUri: source.fileId }
          : { fileUri: source.fileId },
      };
  }
}

function typeFromExtension(url: string): string | undefined {
  const pathname = url.split(/[?#]/)[0] ?? '';
  const extension = pathname.slice(pathname.lastIndexOf('.') + 1).toLowerCase();
  return EXTENSION_TYPES[extension];
}
