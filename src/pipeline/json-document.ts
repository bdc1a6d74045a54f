/** Some providers label a JSON error body with another content type (Gemini: text/event-stream). */
export function isJsonDocument(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.length > 1024 * 1024) return false;
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}
