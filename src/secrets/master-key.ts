import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/settings.ts';
import { parseMasterKey, Vault } from './vault.ts';

export type MasterKeyWarning = (message: string) => void;

/**
 * The vault from SWITCHYARD_MASTER_KEY (and any previous keys). Without one, a dev key is
 * generated into `<dataDir>/master.key` (mode 0600) with a loud warning; there is never a
 * built-in default.
 */
export function loadVault(
  settings: Pick<Settings, 'masterKey' | 'previousMasterKeys' | 'dataDir'>,
  warn: MasterKeyWarning,
): Vault {
  const previous = settings.previousMasterKeys.map((key, i) =>
    parseMasterKey(key, `SWITCHYARD_MASTER_KEY_PREVIOUS[${i}]`),
  );
  if (settings.masterKey !== null) return new Vault(parseMasterKey(settings.masterKey), previous);

  const file = join(settings.dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    warn(
      `SWITCHYARD_MASTER_KEY is not set: generated a development master key at ${file}. ` +
        'Anyone who can read that file can decrypt every stored provider key. ' +
        'In production set SWITCHYARD_MASTER_KEY (32 random bytes, base64: `openssl rand -base64 32`).',
    );
  } else {
    warn(
      `SWITCHYARD_MASTER_KEY is not set: using the development master key at ${file}. ` +
        'Set SWITCHYARD_MASTER_KEY in production.',
    );
  }
  return new Vault(parseMasterKey(readFileSync(file, 'utf8'), file), previous);
}
