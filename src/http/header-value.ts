/**
 * A client-chosen string (an endpoint name from a body or a path) made safe for a response
 * header: anything outside printable ASCII is percent-encoded rather than making Node throw.
 */
export function headerValue(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  // toWellFormed: a lone surrogate would make encodeURIComponent throw.
  return encodeURIComponent(value.toWellFormed());
}
