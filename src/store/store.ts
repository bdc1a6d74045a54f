import type { EndpointRecord, ModelRecord, PageRequest, SecretRecord } from './records.ts';

export interface StoreReader {
  listSecrets(page: PageRequest): Promise<SecretRecord[]>;
  findSecret(ref: string): Promise<SecretRecord | null>;
  listModels(page: PageRequest): Promise<ModelRecord[]>;
  findModel(ref: string): Promise<ModelRecord | null>;
  listEndpoints(page: PageRequest): Promise<EndpointRecord[]>;
  findEndpoint(ref: string): Promise<EndpointRecord | null>;
  /** Names of the models that use this secret. */
  modelsUsingSecret(secretId: string): Promise<string[]>;
  /** Names of the endpoints that route to this model. */
  endpointsUsingModel(modelId: string): Promise<string[]>;
  allSecrets(): Promise<SecretRecord[]>;
  allModels(): Promise<ModelRecord[]>;
  allEndpoints(): Promise<EndpointRecord[]>;
}

export interface StoreWriter extends StoreReader {
  insertSecret(record: SecretRecord): Promise<void>;
  updateSecret(record: SecretRecord): Promise<void>;
  deleteSecret(id: string): Promise<void>;
  insertModel(record: ModelRecord): Promise<void>;
  updateModel(record: ModelRecord): Promise<void>;
  deleteModel(id: string): Promise<void>;
  insertEndpoint(record: EndpointRecord): Promise<void>;
  /** Replaces the endpoint's row and its whole target list. */
  updateEndpoint(record: EndpointRecord): Promise<void>;
  deleteEndpoint(id: string): Promise<void>;
}

/**
 * The one store interface. Writes run in a single transaction (all or nothing) and bump
 * the config version that replicas poll to know their snapshot is stale.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending migrations; returns the versions it applied. */
  migrate(): Promise<number[]>;
  ping(): Promise<void>;
  configVersion(): Promise<number>;
  read<T>(work: (reader: StoreReader) => Promise<T>): Promise<T>;
  write<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
