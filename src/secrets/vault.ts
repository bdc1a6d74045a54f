import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** What the store keeps for one secret: nothing here decrypts without a master key. */
export interface SealedSecret {
  /** base64 of iv(12) | AES-256-GCM ciphertext | tag(16), under the secret's own data key. */
  ciphertext: string;
  /** base64 of the data key wrapped the same way under a master key. */
  wrappedKey: string;
  /** Which master key wrapped the data key (see `masterKeyId`). */
  keyId: string;
}

export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function parseMasterKey(encoded: string, variable = 'SWITCHYARD_MASTER_KEY'): Buffer {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) {
    throw new VaultError(`${variable} must be 32 random bytes in base64 (got ${key.length} bytes)`);
  }
  return key;
}

/** A short public fingerprint of a master key, stored beside each wrapped data key. */
export function masterKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('switchyard master key id').digest('hex').slice(0, 16);
}

function seal(key: Buffer, plaintext: Buffer, associatedData: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
}

function open(key: Buffer, sealed: string, associatedData: string): Buffer {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new VaultError('sealed value is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new VaultError('decryption failed: wrong key, or the data was altered or moved to another secret');
  }
}

const dataKeyContext = (secretId: string) => `switchyard/data-key/${secretId}`;
const valueContext = (secretId: string) => `switchyard/secret/${secretId}`;

/**
 * Envelope encryption: each secret has its own random data key; the value is bound to the
 * secret's id as associated data, so a ciphertext copied onto another row fails to open.
 * Data keys are wrapped by the current master key; previous keys still unwrap during a
 * rotation.
 */
export class Vault {
  readonly currentKeyId: string;
  readonly #current: Buffer;
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.#current = current;
    this.currentKeyId = masterKeyId(current);
    this.#keys = new Map([...previous, current].map((key) => [masterKeyId(key), key]));
  }

  seal(secretId: string, value: unknown): SealedSecret {
    const dataKey = randomBytes(32);
    const sealed = {
      ciphertext: seal(dataKey, Buffer.from(JSON.stringify(value), 'utf8'), valueContext(secretId)),
      wrappedKey: seal(this.#current, dataKey, dataKeyContext(secretId)),
      keyId: this.currentKeyId,
    };
    dataKey.fill(0);
    return sealed;
  }

  open(secretId: string, sealed: SealedSecret): unknown {
    const dataKey = this.#unwrap(secretId, sealed);
    try {
      return JSON.parse(open(dataKey, sealed.ciphertext, valueContext(secretId)).toString('utf8'));
    } finally {
      dataKey.fill(0);
    }
  }

  /** The same secret with its data key wrapped by the current master key; null if it already is. */
  rewrap(secretId: string, sealed: SealedSecret): SealedSecret | null {
    if (sealed.keyId === this.currentKeyId) return null;
    const dataKey = this.#unwrap(secretId, sealed);
    try {
      return {
        ciphertext: sealed.ciphertext,
        wrappedKey: seal(this.#current, dataKey, dataKeyContext(secretId)),
        keyId: this.currentKeyId,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  #unwrap(secretId: string, sealed: SealedSecret): Buffer {
    const masterKey = this.#keys.get(sealed.keyId);
    if (!masterKey) {
      throw new VaultError(
        `secret ${secretId} is wrapped by master key ${sealed.keyId}, which is neither SWITCHYARD_MASTER_KEY nor in SWITCHYARD_MASTER_KEY_PREVIOUS`,
      );
    }
    return open(masterKey, sealed.wrappedKey, dataKeyContext(secretId));
  }
}
