import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_TABLE } from '../../src/core/errors.ts';
import { allProviders } from '../../src/providers/registry.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the docs match the code', () => {
  it('docs/errors.md lists every error code with its status and dialect types', () => {
    const page = read('docs/errors.md');
    for (const [code, spec] of Object.entries(ERROR_TABLE)) {
      const row = `| \`${code}\` | ${spec.status} | \`${spec.openai}\` | \`${spec.anthropic}\` | \`${spec.gemini}\` |`;
      assert.ok(page.includes(row), `docs/errors.md is missing or wrong for ${code}: expected ${row}`);
    }
  });

  it('docs/configuration.md lists every provider with its dialect and default base', () => {
    const page = read('docs/configuration.md');
    for (const provider of allProviders()) {
      const base =
        provider.defaultApiBase === null ? 'none: `api_base` required' : `\`${provider.defaultApiBase}\``;
      assert.ok(
        page.includes(`| \`${provider.name}\` | ${provider.dialect} | ${base}`),
        `docs/configuration.md is missing or wrong for provider ${provider.name}`,
      );
    }
  });

  it('README and docs/configuration.md name every SWITCHYARD_ variable the settings read', () => {
    const variables = new Set(read('src/config/settings.ts').match(/SWITCHYARD_[A-Z_]+/g));
    assert.ok(variables.size >= 12);
    for (const path of ['README.md', 'docs/configuration.md']) {
      const page = read(path);
      for (const variable of variables)
        assert.ok(page.includes(variable), `${path} does not mention ${variable}`);
    }
  });
});
