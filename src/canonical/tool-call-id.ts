/**
 * Gemini signs function calls (`thoughtSignature`) and rejects a later turn whose calls lost
 * their signature. Clients of other dialects have nowhere to keep it but the tool-call id,
 * which they echo back in history and in tool results, so the id carries it. Stateless,
 * so it works across replicas and restarts.
 */
const MARK = '__sig_';

export function toolCallIdForClient(id: string, signature: string | undefined): string {
  if (!signature) return id;
  return `${id}${MARK}${Buffer.from(signature, 'utf8').toString('base64url')}`;
}

export function toolCallIdFromClient(clientId: string): { id: string; signature?: string } {
  const at = clientId.indexOf(MARK);
  if (at < 0) return { id: clientId };
  const signature = Buffer.from(clientId.slice(at + MARK.length), 'base64url').toString('utf8');
  return signature ? { id: clientId.slice(0, at), signature } : { id: clientId.slice(0, at) };
}
