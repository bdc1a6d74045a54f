/**
 * A client-chosen string (an endpoint name from a body or a path) made safe for a response
 * header: anything outside printable ASCII is percent-encoded rather than making Node throw.
 */
export function headerValue(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
