import { conflict, invalidField, notFound } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { Vault } from '../secrets/vault.ts';
import type { EndpointRecord, EndpointTarget, ModelRecord, SecretRecord } from '../store/records.ts';
import type { Store, StoreReader, StoreWriter } from '../store/store.ts';
import { type EndpointInput, parseEndpointInput } from './endpoint-input.ts';
import { requireObject } from './fields.ts';
import { parseModelInput, parseModelPatch } from './model-input.ts';
import { type Page, type PageQuery, pageRequest, toPage } from './pagination.ts';
import {
  type ProviderPolicy,
  parseSecretInput,
  parseSecretPatch,
  type SecretInput,
  type SecretValue,
} from './secret-input.ts';
import {
  type EndpointView,
  endpointView,
  type ModelView,
  maskSecretValue,
  modelView,
  type SecretView,
  secretView,
} from './views.ts';

export interface CatalogOptions {
  store: Store;
  vault: Vault;
  isProviderAllowed: ProviderPolicy;
  /** Called after every committed change, before the caller gets its answer. */
  onChange: () => Promise<void>;
  now?: () => Date;
}

/**
 * Secrets, models and endpoints as operators manage them: validation, references between
 * them, and every write in one transaction. The admin API and `switchyard apply` both use it.
 */
export class Catalog {
  readonly #store: Store;
  readonly #vault: Vault;
  readonly #isAllowed: ProviderPolicy;
  readonly #onChange: () => Promise<void>;
  readonly #now: () => Date;

  constructor(options: CatalogOptions) {
    this.#store = options.store;
    this.#vault = options.vault;
    this.#isAllowed = options.isProviderAllowed;
    this.#onChange = options.onChange;
    this.#now = options.now ?? (() => new Date());
  }

  async #write<T>(work: (writer: StoreWriter, now: string) => Promise<T>): Promise<T> {
    const now = this.#now().toISOString();
    const result = await this.#store.write((writer) => work(writer, now));
    await this.#onChange();
    return result;
  }

  // Secrets

  async listSecrets(query: PageQuery): Promise<Page<SecretView>> {
    const request = pageRequest(query);
    const rows = await this.#store.read((r) => r.listSecrets({ ...request, limit: request.limit + 1 }));
    return toPage(rows.map(secretView), request.limit);
  }

  async getSecret(ref: string): Promise<SecretView> {
    return secretView(await this.#store.read((r) => this.#secret(r, ref)));
  }

  async createSecret(body: unknown): Promise<SecretView> {
    const input = parseSecretInput(body, this.#isAllowed);
    return this.#write(async (writer, now) => {
      const id = newId('sec');
      const record: SecretRecord = {
        id,
        name: input.name,
        provider: input.provider,
        sealed: this.#vault.seal(id, input.value),
        maskedValue: maskSecretValue(input.value),
        authConfig: input.auth_config,
        createdAt: now,
        updatedAt: now,
      };
      await writer.insertSecret(record);
      return secretView(record);
    });
  }

  async updateSecret(ref: string, body: unknown): Promise<SecretView> {
    requireObject(body, 'body');
    return this.#write(async (writer, now) => {
      const current = await this.#secret(writer, ref);
      const patch = parseSecretPatch(body, current.provider);
      const next: SecretRecord = { ...current, updatedAt: now };
      if (patch.name !== undefined) next.name = patch.name;
      if (patch.auth_config !== undefined) next.authConfig = patch.auth_config;
      if (patch.value !== undefined) {
        next.sealed = this.#vault.seal(current.id, patch.value);
        next.maskedValue = maskSecretValue(patch.value);
      }
      await writer.updateSecret(next);
      return secretView(next);
    });
  }

  async deleteSecret(ref: string): Promise<void> {
    await this.#write(async (writer) => {
      const secret = await this.#secret(writer, ref);
      const users = await writer.modelsUsingSecret(secret.id);
      if (users.length > 0) {
        throw conflict(`secret '${secret.name}' is still used by model(s): ${users.join(', ')}`);
      }
      await writer.deleteSecret(secret.id);
    });
  }

  /** Whether the stored secret already holds exactly this input (used by `apply`). */
  async secretMatches(ref: string, input: SecretInput): Promise<boolean> {
    const current = await this.#store.read((r) => this.#secret(r, ref));
    const value = this.#vault.open(current.id, current.sealed) as SecretValue;
    return (
      current.name === input.name &&
      current.provider === input.provider &&
      value.api_key === input.value.api_key &&
      JSON.stringify(value.api_keys) === JSON.stringify(input.value.api_keys) &&
      JSON.stringify(current.authConfig) === JSON.stringify(input.auth_config)
    );
  }

  async #secret(reader: StoreReader, ref: string): Promise<SecretRecord> {
    const secret = await reader.findSecret(ref);
    if (!secret) throw notFound('secret', ref);
    return secret;
  }

  // Models

  async listModels(query: PageQuery): Promise<Page<ModelView>> {
    const request = pageRequest(query);
    const { rows, secrets } = await this.#store.read(async (r) => ({
      rows: await r.listModels({ ...request, limit: request.limit + 1 }),
      secrets: await r.allSecrets(),
    }));
    const secretNames = new Map(secrets.map((s) => [s.id, s.name]));
    return toPage(
      rows.map((m) => modelView(m, secretNames.get(m.secretId) ?? m.secretId)),
      request.limit,
    );
  }

  async getModel(ref: string): Promise<ModelView> {
    return this.#store.read(async (r) => {
      const model = await this.#model(r, ref);
      const secret = await this.#secret(r, model.secretId);
      return modelView(model, secret.name);
    });
  }

  async createModel(body: unknown): Promise<ModelView> {
    const input = parseModelInput(body, this.#isAllowed);
    return this.#write(async (writer, now) => {
      const secret = await this.#secretFor(writer, input.secret, input.provider);
      const record: ModelRecord = {
        id: newId('mdl'),
        name: input.name,
        provider: input.provider,
        modelName: input.model_name,
        secretId: secret.id,
        pricing: input.pricing,
        createdAt: now,
        updatedAt: now,
      };
      await writer.insertModel(record);
      return modelView(record, secret.name);
    });
  }

  async updateModel(ref: string, body: unknown): Promise<ModelView> {
    const patch = parseModelPatch(body, this.#isAllowed);
    return this.#write(async (writer, now) => {
      const current = await this.#model(writer, ref);
      const provider = patch.provider ?? current.provider;
      const secret = await this.#secretFor(writer, patch.secret ?? current.secretId, provider);
      const next: ModelRecord = {
        ...current,
        name: patch.name ?? current.name,
        provider,
        modelName: patch.model_name ?? current.modelName,
        secretId: secret.id,
        pricing: patch.pricing === undefined ? current.pricing : patch.pricing,
        updatedAt: now,
      };
      await writer.updateModel(next);
      return modelView(next, secret.name);
    });
  }

  async deleteModel(ref: string): Promise<void> {
    await this.#write(async (writer) => {
      const model = await this.#model(writer, ref);
      const users = await writer.endpointsUsingModel(model.id);
      if (users.length > 0) {
        throw conflict(`model '${model.name}' is still used by endpoint(s): ${users.join(', ')}`);
      }
      await writer.deleteModel(model.id);
    });
  }

  async #model(reader: StoreReader, ref: string): Promise<ModelRecord> {
    const model = await reader.findModel(ref);
    if (!model) throw notFound('model', ref);
    return model;
  }

  async #secretFor(reader: StoreReader, ref: string, provider: string): Promise<SecretRecord> {
    const secret = await reader.findSecret(ref);
    if (!secret) throw invalidField('secret', `no secret '${ref}'`);
    if (secret.provider !== provider) {
      throw invalidField(
        'secret',
        `secret '${secret.name}' is for provider '${secret.provider}', not '${provider}'`,
      );
    }
    return secret;
  }

  // Endpoints

  async listEndpoints(query: PageQuery): Promise<Page<EndpointView>> {
    const request = pageRequest(query);
    const { rows, names } = await this.#store.read(async (r) => ({
      rows: await r.listEndpoints({ ...request, limit: request.limit + 1 }),
      names: await this.#modelNames(r),
    }));
    return toPage(
      rows.map((e) => endpointView(e, names)),
      request.limit,
    );
  }

  async getEndpoint(ref: string): Promise<EndpointView> {
    return this.#store.read(async (r) =>
      endpointView(await this.#endpoint(r, ref), await this.#modelNames(r)),
    );
  }

  async createEndpoint(body: unknown): Promise<EndpointView> {
    const input = parseEndpointInput(body);
    return this.#write(async (writer, now) => {
      const record: EndpointRecord = {
        id: newId('ep'),
        name: input.name,
        policy: input.policy,
        targets: await this.#resolveTargets(writer, input),
        createdAt: now,
        updatedAt: now,
      };
      await writer.insertEndpoint(record);
      return endpointView(record, await this.#modelNames(writer));
    });
  }

  async updateEndpoint(ref: string, body: unknown): Promise<EndpointView> {
    const patch = requireObject(body, 'body');
    return this.#write(async (writer, now) => {
      const current = await this.#endpoint(writer, ref);
      // A patch replaces the fields it names; the result is validated as a whole.
      const merged = { ...endpointAsInput(current), ...patch };
      const input = parseEndpointInput(merged);
      const record: EndpointRecord = {
        ...current,
        name: input.name,
        policy: input.policy,
        targets: await this.#resolveTargets(writer, input),
        updatedAt: now,
      };
      await writer.updateEndpoint(record);
      return endpointView(record, await this.#modelNames(writer));
    });
  }

  async deleteEndpoint(ref: string): Promise<void> {
    await this.#write(async (writer) => {
      const endpoint = await this.#endpoint(writer, ref);
      await writer.deleteEndpoint(endpoint.id);
    });
  }

  async #endpoint(reader: StoreReader, ref: string): Promise<EndpointRecord> {
    const endpoint = await reader.findEndpoint(ref);
    if (!endpoint) throw notFound('endpoint', ref);
    return endpoint;
  }

  async #resolveTargets(reader: StoreReader, input: EndpointInput): Promise<EndpointTarget[]> {
    const targets: EndpointTarget[] = [];
    const seen = new Set<string>();
    for (const [i, entry] of input.models.entries()) {
      const model = await reader.findModel(entry.model);
      if (!model) throw invalidField(`models[${i}].model`, `no model '${entry.model}'`);
      if (seen.has(model.id))
        throw invalidField(`models[${i}].model`, `model '${model.name}' is listed twice`);
      seen.add(model.id);
      targets.push({ modelId: model.id, role: entry.role, weight: entry.weight, order: entry.order });
    }
    return targets;
  }

  async #modelNames(reader: StoreReader): Promise<Map<string, string>> {
    return new Map((await reader.allModels()).map((m) => [m.id, m.name]));
  }
}

function endpointAsInput(e: EndpointRecord): Record<string, unknown> {
  const input: Record<string, unknown> = {
    name: e.name,
    models: e.targets.map((t) => ({
      model: t.modelId,
      role: t.role,
      ...(t.weight === null ? {} : { weight: t.weight }),
      ...(t.order === null ? {} : { order: t.order }),
    })),
    routing: e.policy.routing,
    usage_tracking: e.policy.usage_tracking,
  };
  if (e.policy.fallback) input['fallback'] = e.policy.fallback;
  if (e.policy.retry) input['retry'] = e.policy.retry;
  if (e.policy.timeouts) input['timeouts'] = e.policy.timeouts;
  return input;
}
