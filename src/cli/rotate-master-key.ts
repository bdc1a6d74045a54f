import type { Vault } from '../secrets/vault.ts';
import type { Store } from '../store/store.ts';

export interface RotationReport {
  rewrapped: number;
  alreadyCurrent: number;
}

/**
 * Re-wraps every data key under the current master key, one secret per transaction, so
 * serving replicas (which hold both keys during a rotation) never see a gap.
 */
export async function rotateMasterKey(store: Store, vault: Vault): Promise<RotationReport> {
  const ids = (await store.read((r) => r.allSecrets())).map((s) => s.id);
  const report: RotationReport = { rewrapped: 0, alreadyCurrent: 0 };
  for (const id of ids) {
    await store.write(async (writer) => {
      const secret = await writer.findSecret(id);
      if (!secret) return;
      const sealed = vault.rewrap(secret.id, secret.sealed);
      if (sealed === null) {
        report.alreadyCurrent++;
        return;
      }
      await writer.updateSecret({ ...secret, sealed });
      report.rewrapped++;
    });
  }
  return report;
}
