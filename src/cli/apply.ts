import { GatewayError } from '../core/errors.ts';
import type { Catalog } from '../resources/catalog.ts';
import { parseEndpointInput } from '../resources/endpoint-input.ts';
import { isObject } from '../resources/fields.ts';
import { parseModelInput } from '../resources/model-input.ts';
import { type ProviderPolicy, parseSecretInput } from '../resources/secret-input.ts';
import type { EndpointView, ModelView } from '../resources/views.ts';

export type ApplyAction = 'created' | 'changed' | 'unchanged';

export interface ApplyReport {
  kind: 'secret' | 'model' | 'endpoint';
  name: string;
  action: ApplyAction;
}

const SECTIONS = ['secrets', 'models', 'endpoints'] as const;
type Section = (typeof SECTIONS)[number];

function entries(document: Record<string, unknown>, section: Section): Record<string, unknown>[] {
  const list = document[section];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`${section}: must be a list`);
  return list.map((item: unknown, i) => {
    if (!isObject(item)) throw new Error(`${section}[${i}]: must be a mapping`);
    return item;
  });
}

/** Runs `check` and prefixes a validation error with where in the file it comes from. */
function at<T>(where: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof GatewayError) throw new Error(`${where}: ${error.message}`);
    throw error;
  }
}

async function existing<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'not_found') return null;
    throw error;
  }
}

const stable = (value: unknown) => JSON.stringify(value);

function modelShape(m: Pick<ModelView, 'provider' | 'model_name' | 'secret' | 'pricing'>) {
  return stable([m.provider, m.model_name, m.secret, m.pricing]);
}

type EndpointShape = Pick<EndpointView, 'routing' | 'fallback' | 'retry' | 'timeouts' | 'usage_tracking'> & {
  models: readonly { model: string; role: string; weight: number | null; order: number | null }[];
};

function endpointShape(e: EndpointShape) {
  return stable([
    e.models.map((m) => [m.model, m.role, m.weight, m.order]),
    [e.routing, e.fallback, e.retry, e.timeouts, e.usage_tracking],
  ]);
}

interface Parsed<T> {
  raw: Record<string, unknown>;
  input: T;
}

/**
 * Every reference in the document must resolve, to the document itself or to what the
 * store holds, before anything is written: a model naming a missing secret must not leave
 * the secrets above it applied.
 */
async function checkReferences(
  catalog: Catalog,
  secrets: Parsed<{ name: string; provider: string }>[],
  models: Parsed<{ name: string; provider: string; secret: string }>[],
  endpoints: Parsed<{ name: string; models: { model: string }[] }>[],
): Promise<void> {
  const secretProviders = new Map(secrets.map((s) => [s.input.name, s.input.provider]));
  for (const [i, { input }] of models.entries()) {
    const provider =
      secretProviders.get(input.secret) ?? (await existing(() => catalog.getSecret(input.secret)))?.provider;
    if (provider === undefined)
      throw new Error(`models[${i}]: secret: no secret '${input.secret}' in the file or the database`);
    if (provider !== input.provider) {
      throw new Error(
        `models[${i}]: secret: secret '${input.secret}' is for provider '${provider}', not '${input.provider}'`,
      );
    }
  }
  const modelNames = new Set(models.map((m) => m.input.name));
  for (const [i, { input }] of endpoints.entries()) {
    for (const [j, target] of input.models.entries()) {
      if (modelNames.has(target.model) || (await existing(() => catalog.getModel(target.model)))) continue;
      throw new Error(
        `endpoints[${i}]: models[${j}].model: no model '${target.model}' in the file or the database`,
      );
    }
  }
}

/**
 * Makes the store hold what the document says: creates what is missing, patches what
 * differs, leaves the rest (and anything the document does not name) alone. Every entry
 * is validated before the first write.
 */
export async function applyDocument(
  document: unknown,
  catalog: Catalog,
  isAllowed: ProviderPolicy,
  options: { dryRun?: boolean } = {},
): Promise<ApplyReport[]> {
  if (!isObject(document))
    throw new Error('the document must be a mapping with secrets, models and endpoints');
  for (const key of Object.keys(document)) {
    if (!(SECTIONS as readonly string[]).includes(key)) {
      throw new Error(`unknown top-level key '${key}' (expected ${SECTIONS.join(', ')})`);
    }
  }
  const secrets = entries(document, 'secrets').map((raw, i) => ({
    raw,
    input: at(`secrets[${i}]`, () => parseSecretInput(raw, isAllowed)),
  }));
  const models = entries(document, 'models').map((raw, i) => ({
    raw,
    input: at(`models[${i}]`, () => parseModelInput(raw, isAllowed)),
  }));
  const endpoints = entries(document, 'endpoints').map((raw, i) => ({
    raw,
    input: at(`endpoints[${i}]`, () => parseEndpointInput(raw)),
  }));

  await checkReferences(catalog, secrets, models, endpoints);

  const report: ApplyReport[] = [];
  const record = (kind: ApplyReport['kind'], name: string, action: ApplyAction) =>
    report.push({ kind, name, action });

  for (const { raw, input } of secrets) {
    const current = await existing(() => catalog.getSecret(input.name));
    if (!current) {
      if (!options.dryRun) await catalog.createSecret(raw);
      record('secret', input.name, 'created');
    } else if (await catalog.secretMatches(current.id, input)) {
      record('secret', input.name, 'unchanged');
    } else {
      if (!options.dryRun) {
        await catalog.updateSecret(current.id, {
          value: raw['value'] ?? {},
          auth_config: raw['auth_config'] ?? {},
        });
      }
      record('secret', input.name, 'changed');
    }
  }

  for (const { raw, input } of models) {
    const current = await existing(() => catalog.getModel(input.name));
    if (!current) {
      if (!options.dryRun) await catalog.createModel(raw);
      record('model', input.name, 'created');
    } else if (modelShape(current) === modelShape(input)) {
      record('model', input.name, 'unchanged');
    } else {
      if (!options.dryRun) {
        await catalog.updateModel(current.id, {
          provider: input.provider,
          model_name: input.model_name,
          secret: input.secret,
          pricing: input.pricing,
        });
      }
      record('model', input.name, 'changed');
    }
  }

  for (const { raw, input } of endpoints) {
    const current = await existing(() => catalog.getEndpoint(input.name));
    const desired = {
      models: input.models,
      routing: input.policy.routing,
      fallback: input.policy.fallback,
      retry: input.policy.retry,
      timeouts: input.policy.timeouts,
      usage_tracking: input.policy.usage_tracking,
    };
    if (!current) {
      if (!options.dryRun) await catalog.createEndpoint(raw);
      record('endpoint', input.name, 'created');
    } else if (endpointShape(current) === endpointShape(desired)) {
      record('endpoint', input.name, 'unchanged');
    } else {
      if (!options.dryRun) {
        const { name: _name, ...rest } = raw;
        await catalog.updateEndpoint(current.id, {
          fallback: null,
          retry: null,
          timeouts: null,
          routing: 'first',
          usage_tracking: true,
          ...rest,
        });
      }
      record('endpoint', input.name, 'changed');
    }
  }
  return report;
}
