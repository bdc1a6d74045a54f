import { MemoryRecordSink } from '../../src/pipeline/request-record.ts';
import { type FakeProvider, startFakeProvider } from '../fake-provider/index.ts';
import { startGateway, type TestGateway } from './gateway.ts';

export interface DataPlaneRig {
  gw: TestGateway;
  fake: FakeProvider;
  sink: MemoryRecordSink;
  close(): Promise<void>;
}

/** One endpoint per provider family, each pointing at the fake provider. */
export const ENDPOINTS = {
  openai: 'oa',
  azure: 'az',
  anthropic: 'an',
  gemini: 'gm',
  vllm: 'vl',
} as const;

export const UPSTREAM_MODELS = {
  openai: 'gpt-4o-mini',
  azure: 'my-deployment',
  anthropic: 'claude-sonnet-4-5',
  gemini: 'gemini-2.5-flash',
  vllm: 'Qwen/Qwen3-8B',
} as const;

export const SECRET_KEYS = {
  openai: 'sk-openai-secret-0000000001',
  azure: 'azure-secret-0000000002',
  anthropic: 'sk-ant-secret-0000000003',
  gemini: 'AIza-gemini-secret-0000004',
  vllm: 'vllm-secret-0000000005',
} as const;

/** A gateway with an endpoint per provider family, all served by one fake provider. */
export async function startDataPlane(env: Record<string, string> = {}): Promise<DataPlaneRig> {
  const fake = await startFakeProvider();
  const sink = new MemoryRecordSink();
  const gw = await startGateway(env, { sink, keepaliveMs: 200 });
  const bases = {
    openai: `${fake.url}/v1`,
    azure: fake.url,
    anthropic: fake.url,
    gemini: fake.url,
    vllm: `${fake.url}/v1`,
  };
  for (const provider of Object.keys(ENDPOINTS) as (keyof typeof ENDPOINTS)[]) {
    const secret = await gw.call('POST', '/api/v1/secrets', {
      name: `${provider}-secret`,
      provider,
      value: { api_key: SECRET_KEYS[provider] },
      auth_config: { api_base: bases[provider] },
    });
    if (secret.status !== 201) throw new Error(`secret ${provider}: ${secret.text}`);
    const model = await gw.call('POST', '/api/v1/models', {
      name: `${provider}-model`,
      provider,
      model_name: UPSTREAM_MODELS[provider],
      secret: `${provider}-secret`,
    });
    if (model.status !== 201) throw new Error(`model ${provider}: ${model.text}`);
    const endpoint = await gw.call('POST', '/api/v1/endpoints', {
      name: ENDPOINTS[provider],
      models: [{ model: `${provider}-model`, role: 'primary' }],
    });
    if (endpoint.status !== 201) throw new Error(`endpoint ${provider}: ${endpoint.text}`);
  }
  return {
    gw,
    fake,
    sink,
    async close() {
      await gw.close();
      await fake.close();
    },
  };
}
