import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { estimateRequestTokens, estimateTextTokens } from '../../src/canonical/estimate-tokens.ts';
import type {
  CanonicalRequest,
  ContentPart,
  Message,
  TextPart,
  ToolDefinition,
} from '../../src/canonical/request.ts';
import { isObject } from '../../src/canonical/wire.ts';
import { prng } from '../support/prng.ts';

const exact = (text: string) => countTokens(text, { disallowedSpecial: new Set() });

function request(partial: Partial<CanonicalRequest>): CanonicalRequest {
  return { model: 'm', system: [], messages: [], tools: [], stream: false, dialectOnly: [], ...partial };
}

function user(...content: ContentPart[]): Message {
  return { role: 'user', content };
}

function text(value: string): TextPart {
  return { type: 'text', text: value };
}

const SOURCE = new URL('../../src/', import.meta.url);

/** All of the gateway's own TypeScript: realistic code for size tests. */
function sourceText(): string {
  let all = '';
  const walk = (dir: URL) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(new URL(`${entry.name}/`, dir));
      else if (entry.name.endsWith('.ts')) all += readFileSync(new URL(entry.name, dir), 'utf8');
    }
  };
  walk(SOURCE);
  return all;
}

describe('estimateTextTokens', () => {
  test('short texts are o200k counts', () => {
    assert.equal(estimateTextTokens(''), 0);
    assert.equal(estimateTextTokens('Hello world'), 2);
    assert.equal(estimateTextTokens('What is the meaning of life?'), 7);
  });

  test('special-token text in a prompt is counted as text, never thrown on', () => {
    assert.throws(() => countTokens('<|endoftext|>'), /special token/);
    assert.equal(estimateTextTokens('say <|endoftext|> now'), exact('say <|endoftext|> now'));
    assert.ok(estimateTextTokens('<|endoftext|>') > 1);
  });

  test('texts up to 32 KiB without long runs are counted exactly', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').slice(0, 32_768);
    assert.equal(estimateTextTokens(readme), exact(readme));
    const code = sourceText().slice(0, 32_768);
    assert.equal(estimateTextTokens(code), exact(code));
  });

  test('long texts are sampled: within 2% of the exact count, and deterministic', () => {
    const code = sourceText();
    assert.ok(code.length > 200_000);
    for (const size of [40_000, 100_000, 200_000]) {
      const slice = code.slice(0, size);
      const estimate = estimateTextTokens(slice);
      const truth = exact(slice);
      assert.ok(Math.abs(estimate - truth) / truth < 0.02, `${size} chars: ${estimate} vs ${truth}`);
      assert.equal(estimateTextTokens(slice), estimate);
    }
    const cjk = '日本語の文章はこのように書かれています。漢字と仮名が混ざっています。'.repeat(4000);
    const truth = exact(cjk);
    assert.ok(Math.abs(estimateTextTokens(cjk) - truth) / truth < 0.02);
  });

  test('long runs of one character class are sliced, so 200 000 letters take milliseconds, not minutes', () => {
    const started = performance.now();
    // An exact count of this string takes minutes (BPE is quadratic in a pre-token's length).
    assert.equal(estimateTextTokens('a'.repeat(200_000)), 25_000);
    const random = prng(7);
    const letters = Array.from({ length: 60_000 }, () =>
      String.fromCharCode(97 + Math.floor(random() * 26)),
    ).join('');
    assert.ok(estimateTextTokens(letters) > 20_000);
    assert.ok(estimateTextTokens(' '.repeat(100_000) + '='.repeat(100_000)) > 0);
    assert.ok(performance.now() - started < 5_000, `took ${performance.now() - started} ms`);
  });

  test('a slice never splits a surrogate pair', () => {
    const emoji = `x${'😀'.repeat(300)}`;
    assert.equal(estimateTextTokens(emoji), exact(emoji));
  });
});

describe('estimateRequestTokens', () => {
  test('the framing alone: 3 tokens priming the reply; a message adds 3 plus its text', () => {
    assert.equal(estimateRequestTokens(request({})), 3);
    // OpenAI counted 8 prompt tokens for exactly this (fixture openai/chat-basic.json).
    assert.equal(estimateRequestTokens(request({ messages: [user(text('Hello!'))] })), 8);
  });

  test('counts system, text, tool calls, tool results, tool definitions and a JSON schema; not thinking', () => {
    const tool: ToolDefinition = {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    };
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const full = request({
      system: [text('You are terse.'), text('Answer in French.')],
      messages: [
        user(text('Weather in Paris?')),
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'The user wants weather; I should call the tool.', signature: 'sig' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          ],
        },
        user({ type: 'tool_result', toolCallId: 'call_1', isError: false, content: [text('Sunny, 24 C')] }),
      ],
      tools: [tool],
      responseFormat: { type: 'json_schema', name: 'reply', schema },
    });
    const texts = [
      'You are terse.',
      'Answer in French.',
      'Weather in Paris?',
      'get_weather',
      '{"city":"Paris"}',
      'Sunny, 24 C',
      'get_weather',
      'Weather for a city',
      JSON.stringify(tool.parameters),
      JSON.stringify(schema),
    ];
    // reply 3 + system 3 + three messages 3 each + tool call 3 + tool result 3 + tool definition 8
    const framing = 3 + 3 + 9 + 3 + 3 + 8;
    // Each text is counted on its own (and remembered for the next request that repeats it).
    const counted = texts.reduce((sum, t) => sum + exact(t), 0);
    assert.equal(estimateRequestTokens(full), framing + counted);
    assert.equal(estimateRequestTokens(full), framing + counted, 'the same from remembered counts');
  });

  test('images cost a fixed 1 000 (85 at low detail), wherever they sit; PDFs 1 500; text documents their text', () => {
    const base = estimateRequestTokens(request({ messages: [user(text('Describe these.'))] }));
    const image: ContentPart = { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } };
    const withImages = request({
      messages: [
        user(
          text('Describe these.'),
          image,
          { ...image, detail: 'low' },
          { type: 'tool_result', toolCallId: 't', isError: false, content: [image] },
        ),
      ],
    });
    assert.equal(estimateRequestTokens(withImages) - base, 1_000 + 85 + 3 + 1_000);
    const pdf: ContentPart = {
      type: 'document',
      source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0xLjQK' },
    };
    assert.equal(
      estimateRequestTokens(request({ messages: [user(text('Describe these.'), pdf)] })) - base,
      1_500,
    );
    const notes = 'Meeting notes: ship on Friday.';
    const textDocument: ContentPart = {
      type: 'document',
      source: { kind: 'base64', mediaType: 'text/plain', data: Buffer.from(notes).toString('base64') },
    };
    assert.equal(
      estimateRequestTokens(request({ messages: [user(text('Describe these.'), textDocument)] })),
      3 + 3 + exact(`Describe these.\n${notes}`),
    );
  });

  test('within range of what real backends counted for recorded requests', (t) => {
    const results: string[] = [];
    for (const { name, canonical, real, tools } of recordedPrompts()) {
      const estimate = estimateRequestTokens(canonical);
      results.push(`${name}: ${estimate} vs ${real}`);
      if (tools) {
        // Each backend frames tool definitions its own way (gpt-4o's TypeScript-like rendering is
        // terser than JSON; gpt-5 adds a preamble): JSON of the schema is a middle ground.
        assert.ok(estimate >= real * 0.5 && estimate <= real * 2.1, `${name}: ${estimate} vs ${real}`);
      } else {
        assert.ok(Math.abs(estimate - real) <= Math.max(3, real * 0.15), `${name}: ${estimate} vs ${real}`);
      }
    }
    assert.ok(results.length >= 15, results.join('\n'));
    t.diagnostic(results.join('; '));
  });

  test('cost of a 200 KB and a 1 MB request stays bounded (sampling)', (t) => {
    const code = sourceText();
    for (const target of [200_000, 1_000_000]) {
      const messages: Message[] = [];
      for (let size = 0, i = 0; size < target; i++) {
        const start = (i * 7_919) % (code.length - 8_000);
        const chunk = code.slice(start, start + 4_000 + (i % 5) * 1_000);
        messages.push({
          role: 'assistant',
          content: [
            { type: 'tool_call', id: `t${i}`, name: 'read_file', arguments: `{"path":"src/f${i}.ts"}` },
          ],
        });
        messages.push(
          user({ type: 'tool_result', toolCallId: `t${i}`, isError: false, content: [text(chunk)] }),
        );
        size += chunk.length + 60;
      }
      const canonical = request({ system: [text(code.slice(0, 10_000))], messages });
      const bytes = JSON.stringify(canonical).length;
      estimateRequestTokens(canonical);
      const runs = 20;
      const started = performance.now();
      let tokens = 0;
      for (let run = 0; run < runs; run++) tokens = estimateRequestTokens(canonical);
      const micros = ((performance.now() - started) * 1_000) / runs;
      t.diagnostic(
        `${bytes} bytes, ${messages.length} messages: ${tokens} tokens in ${micros.toFixed(0)} µs`,
      );
      assert.ok(micros < 250_000, `${micros} µs`);
    }
  });

  test('the tokenizer is loaded on first use, not when the module is imported', () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('gpt-tokenizer'));
      const before = performance.now();
      const { estimateTextTokens } = await import(${JSON.stringify(new URL('../../src/canonical/estimate-tokens.ts', import.meta.url).href)});
      const imported = performance.now() - before;
      const afterImport = loaded();
      const first = performance.now();
      estimateTextTokens('hello');
      console.log(JSON.stringify({ afterImport, afterUse: loaded(), importMs: imported, firstUseMs: performance.now() - first }));
    `;
    const output = execFileSync(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    const result: unknown = JSON.parse(output);
    assert.ok(isObject(result));
    assert.equal(result['afterImport'], false);
    assert.equal(result['afterUse'], true);
  });
});

interface RecordedPrompt {
  name: string;
  canonical: CanonicalRequest;
  real: number;
  tools: boolean;
}

/**
 * Recorded requests with the prompt size the backend reported: OpenAI chat (gpt-4o, gpt-5,
 * o200k tokenizers) and Anthropic messages without extended thinking (which adds a hidden
 * prompt). Only the text-shaped parts these recordings use are converted.
 */
function recordedPrompts(): RecordedPrompt[] {
  const prompts: RecordedPrompt[] = [];
  const root = new URL('../data/fixtures/', import.meta.url);
  for (const dialect of ['openai', 'anthropic'] as const) {
    for (const name of readdirSync(new URL(`${dialect}/`, root))) {
      if (!name.startsWith(dialect === 'openai' ? 'chat-' : 'messages-')) continue;
      const fixture: unknown = JSON.parse(readFileSync(new URL(`${dialect}/${name}`, root), 'utf8'));
      if (!isObject(fixture) || !isObject(fixture['request']) || !isObject(fixture['response'])) continue;
      const body = fixture['request']['body'];
      const real = reportedPrompt(fixture['response']);
      if (!isObject(body) || real === undefined) continue;
      if (dialect === 'anthropic' && (body['thinking'] !== undefined || body['tools'] !== undefined))
        continue;
      const canonical = dialect === 'openai' ? fromOpenAIChat(body) : fromAnthropic(body);
      prompts.push({ name: `${dialect}/${name}`, canonical, real, tools: canonical.tools.length > 0 });
    }
  }
  return prompts;
}

function reportedPrompt(response: Record<string, unknown>): number | undefined {
  const source = isObject(response['body'])
    ? JSON.stringify(response['body'])
    : String(response['sse'] ?? '');
  const read = (key: string) => Number(new RegExp(`"${key}":\\s*(\\d+)`).exec(source)?.[1] ?? 0);
  const total =
    read('prompt_tokens') +
    read('input_tokens') +
    read('cache_read_input_tokens') +
    read('cache_creation_input_tokens');
  return total > 0 ? total : undefined;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (isObject(part) && typeof part['text'] === 'string' ? part['text'] : ''))
    .join('\n');
}

function fromOpenAIChat(body: Record<string, unknown>): CanonicalRequest {
  const canonical = request({});
  for (const message of Array.isArray(body['messages']) ? body['messages'] : []) {
    if (!isObject(message)) continue;
    const content = textOf(message['content']);
    const role = message['role'];
    if ((role === 'system' || role === 'developer') && canonical.messages.length === 0) {
      canonical.system.push(text(content));
    } else if (role === 'tool') {
      canonical.messages.push(
        user({
          type: 'tool_result',
          toolCallId: String(message['tool_call_id']),
          isError: false,
          content: [text(content)],
        }),
      );
    } else {
      const parts: ContentPart[] = content ? [text(content)] : [];
      for (const call of Array.isArray(message['tool_calls']) ? message['tool_calls'] : []) {
        if (!isObject(call) || !isObject(call['function'])) continue;
        const fn = call['function'];
        parts.push({
          type: 'tool_call',
          id: String(call['id']),
          name: String(fn['name']),
          arguments: String(fn['arguments']),
        });
      }
      canonical.messages.push({ role: role === 'assistant' ? 'assistant' : 'user', content: parts });
    }
  }
  for (const tool of Array.isArray(body['tools']) ? body['tools'] : []) {
    if (!isObject(tool) || !isObject(tool['function'])) continue;
    const fn = tool['function'];
    canonical.tools.push({
      name: String(fn['name']),
      ...(typeof fn['description'] === 'string' ? { description: fn['description'] } : {}),
      parameters: isObject(fn['parameters']) ? fn['parameters'] : {},
    });
  }
  return canonical;
}

function fromAnthropic(body: Record<string, unknown>): CanonicalRequest {
  const system = body['system'];
  const blocks = typeof system === 'string' ? [system] : Array.isArray(system) ? [textOf(system)] : [];
  const messages: Message[] = [];
  for (const message of Array.isArray(body['messages']) ? body['messages'] : []) {
    if (!isObject(message)) continue;
    messages.push({
      role: message['role'] === 'assistant' ? 'assistant' : 'user',
      content: [text(textOf(message['content']))],
    });
  }
  return request({ system: blocks.map(text), messages });
}

describe('estimateRequestTokens on large and repeated prompts', () => {
  test('new text past the per-request budget is scaled from the counted ratio, not tokenized', () => {
    const paragraph = (i: number) =>
      `Paragraph ${i}: the quick brown fox jumps over the lazy dog. `.repeat(20);
    const many = request({ messages: Array.from({ length: 400 }, (_, i) => user(text(paragraph(i)))) });
    const exactTotal = Array.from({ length: 400 }, (_, i) => exact(paragraph(i))).reduce((a, b) => a + b, 0);
    const started = performance.now();
    const estimate = estimateRequestTokens(many) - 3 - 400 * 3;
    const elapsed = performance.now() - started;
    assert.ok(Math.abs(estimate - exactTotal) / exactTotal < 0.05, `${estimate} vs ${exactTotal}`);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });
});
