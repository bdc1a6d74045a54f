/**
 * The one list of providers: their wire dialect, default base URL and the fields their
 * credentials and configuration take. Data only; behaviour lives in each provider's folder.
 */
export type Dialect = 'openai' | 'anthropic' | 'gemini';

export type ProviderName =
  | 'openai'
  | 'azure'
  | 'anthropic'
  | 'gemini'
  | 'mistral'
  | 'groq'
  | 'deepseek'
  | 'xai'
  | 'openrouter'
  | 'together'
  | 'fireworks'
  | 'ollama'
  | 'vllm'
  | 'openai-compatible';

export interface ConfigField {
  name: string;
  required: boolean;
  description: string;
}

export interface ProviderSpec {
  name: ProviderName;
  displayName: string;
  dialect: Dialect;
  /** Follows the provider SDK's convention: OpenAI-style bases include the version, others don't. */
  defaultApiBase: string | null;
  apiKeyRequired: boolean;
  authConfig: readonly ConfigField[];
  /** Whether `/v1/responses` is served natively (else it is translated to chat completions). */
  nativeResponses: boolean;
  /**
   * Whether chat streams accept `stream_options.include_usage` (the gateway adds it to count
   * tokens). Some OpenAI-compatible APIs reject unknown fields (Mistral answers 422).
   */
  streamUsageOption: boolean;
  /** Tool-call ids must be 9 alphanumerics (Mistral); translated ids are mapped to that form. */
  shortToolCallIds: boolean;
}

const apiBase = (required: boolean, example: string): ConfigField => ({
  name: 'api_base',
  required,
  description: `Base URL, e.g. ${example}`,
});

function openaiCompatible(
  name: ProviderName,
  displayName: string,
  defaultBase: string | null,
  options: { apiKeyRequired?: boolean; streamUsageOption?: boolean; shortToolCallIds?: boolean } = {},
): ProviderSpec {
  return {
    name,
    displayName,
    dialect: 'openai',
    defaultApiBase: defaultBase,
    apiKeyRequired: options.apiKeyRequired ?? true,
    authConfig: [apiBase(defaultBase === null, defaultBase ?? 'http://my-server:8000/v1')],
    nativeResponses: false,
    streamUsageOption: options.streamUsageOption ?? true,
    shortToolCallIds: options.shortToolCallIds ?? false,
  };
}

const PROVIDERS: readonly ProviderSpec[] = [
  {
    name: 'openai',
    displayName: 'OpenAI',
    dialect: 'openai',
    defaultApiBase: 'https://api.openai.com/v1',
    apiKeyRequired: true,
    authConfig: [
      apiBase(false, 'https://api.openai.com/v1'),
      { name: 'organization', required: false, description: 'Sent as OpenAI-Organization' },
      { name: 'project', required: false, description: 'Sent as OpenAI-Project' },
    ],
    nativeResponses: true,
    streamUsageOption: true,
    shortToolCallIds: false,
  },
  {
    name: 'azure',
    displayName: 'Azure OpenAI',
    dialect: 'openai',
    defaultApiBase: null,
    apiKeyRequired: true,
    authConfig: [
      apiBase(true, 'https://my-resource.openai.azure.com'),
      {
        name: 'api_version',
        required: false,
        description: 'api-version query parameter (default 2024-10-21)',
      },
    ],
    nativeResponses: true,
    streamUsageOption: true,
    shortToolCallIds: false,
  },
  {
    name: 'anthropic',
    displayName: 'Anthropic',
    dialect: 'anthropic',
    defaultApiBase: 'https://api.anthropic.com',
    apiKeyRequired: true,
    authConfig: [apiBase(false, 'https://api.anthropic.com')],
    nativeResponses: false,
    streamUsageOption: false,
    shortToolCallIds: false,
  },
  {
    name: 'gemini',
    displayName: 'Google Gemini',
    dialect: 'gemini',
    defaultApiBase: 'https://generativelanguage.googleapis.com',
    apiKeyRequired: true,
    authConfig: [apiBase(false, 'https://generativelanguage.googleapis.com')],
    nativeResponses: false,
    streamUsageOption: false,
    shortToolCallIds: false,
  },
  openaiCompatible('mistral', 'Mistral AI', 'https://api.mistral.ai/v1', {
    streamUsageOption: false,
    shortToolCallIds: true,
  }),
  openaiCompatible('groq', 'Groq', 'https://api.groq.com/openai/v1'),
  openaiCompatible('deepseek', 'DeepSeek', 'https://api.deepseek.com/v1'),
  openaiCompatible('xai', 'xAI', 'https://api.x.ai/v1'),
  openaiCompatible('openrouter', 'OpenRouter', 'https://openrouter.ai/api/v1'),
  openaiCompatible('together', 'Together AI', 'https://api.together.xyz/v1'),
  openaiCompatible('fireworks', 'Fireworks AI', 'https://api.fireworks.ai/inference/v1'),
  openaiCompatible('ollama', 'Ollama', 'http://127.0.0.1:11434/v1', { apiKeyRequired: false }),
  openaiCompatible('vllm', 'vLLM', 'http://127.0.0.1:8000/v1', { apiKeyRequired: false }),
  openaiCompatible('openai-compatible', 'OpenAI-compatible server', null, { apiKeyRequired: false }),
];

const BY_NAME: ReadonlyMap<string, ProviderSpec> = new Map(PROVIDERS.map((p) => [p.name, p]));

export function allProviders(): readonly ProviderSpec[] {
  return PROVIDERS;
}

export function findProvider(name: string): ProviderSpec | undefined {
  return BY_NAME.get(name);
}

export const PROVIDER_NAMES: readonly string[] = PROVIDERS.map((p) => p.name);
