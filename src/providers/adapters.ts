import type { ProviderAdapter } from './adapter.ts';
import { anthropicAdapter } from './anthropic/adapter.ts';
import { azureAdapter } from './azure/adapter.ts';
import { geminiAdapter } from './gemini/adapter.ts';
import { openaiAdapter } from './openai/adapter.ts';
import type { ProviderSpec } from './registry.ts';

/** Azure has its own URL scheme; every other provider is served by its dialect's adapter. */
export function adapterFor(provider: ProviderSpec): ProviderAdapter {
  if (provider.name === 'azure') return azureAdapter;
  switch (provider.dialect) {
    case 'anthropic':
      return anthropicAdapter;
    case 'gemini':
      return geminiAdapter;
    default:
      return openaiAdapter;
  }
}
