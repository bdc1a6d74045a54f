// A coding agent's turn, the size Claude Code sends late in a session: a long system prompt,
// 30 tool definitions with JSON schemas, and a history of tool calls whose results hold file
// contents, about 200 KB in all. Built once, deterministically, in the two dialects the bench
// speaks, so that the OpenAI and the Anthropic request carry the same conversation.

const VOCABULARY = (
  'the request gateway stream token model provider config endpoint route retry budget trace ' +
  'function return const await async value error status header body buffer chunk event parse ' +
  'encode decode client server socket timeout latency usage cost secret store snapshot record ' +
  'index table column query result schema field option default handler module import export'
).split(' ');

/** Deterministic filler text: `words` words drawn with a small LCG from `seed`. */
function filler(seed: number, words: number): string {
  let state = seed >>> 0;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(VOCABULARY[state % VOCABULARY.length]!);
    if (i % 14 === 13) out.push('\n');
  }
  return out.join(' ');
}

const TOOL_NAMES = [
  'Bash',
  'Read',
  'Edit',
  'MultiEdit',
  'Write',
  'Glob',
  'Grep',
  'LS',
  'NotebookRead',
  'NotebookEdit',
  'WebFetch',
  'WebSearch',
  'TodoRead',
  'TodoWrite',
  'Task',
  'ExitPlanMode',
  'BashOutput',
  'KillShell',
  'SlashCommand',
  'ListMcpResources',
  'ReadMcpResource',
  'mcp__github__create_issue',
  'mcp__github__list_pull_requests',
  'mcp__github__get_file_contents',
  'mcp__postgres__query',
  'mcp__postgres__describe_table',
  'mcp__sentry__get_issue',
  'mcp__linear__create_ticket',
  'mcp__slack__post_message',
  'mcp__browser__screenshot',
] as const;

interface ToolDefinition {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

function toolDefinitions(): ToolDefinition[] {
  return TOOL_NAMES.map((name, i) => ({
    name,
    description: `${name}: ${filler(1000 + i, 110)}`,
    schema: {
      type: 'object',
      properties: Object.fromEntries(
        ['path', 'pattern', 'limit', 'offset', 'mode'].map((p, j) => [
          p,
          {
            type: j === 2 || j === 3 ? 'integer' : 'string',
            description: filler(2000 + i * 10 + j, 18),
          },
        ]),
      ),
      required: ['path'],
      additionalProperties: false,
    },
  }));
}

interface Round {
  ask: string;
  say: string;
  callId: string;
  tool: string;
  input: Record<string, unknown>;
  result: string;
}

const ROUNDS = 12;

function history(): Round[] {
  return Array.from({ length: ROUNDS }, (_, i) => ({
    ask: `Step ${i + 1}: ${filler(3000 + i, 40)}`,
    say: `I will look at the file first. ${filler(4000 + i, 25)}`,
    callId: `toolu_bench${String(i).padStart(4, '0')}`,
    tool: TOOL_NAMES[i % 3]!,
    input: { path: `/repo/src/module-${i}.ts`, limit: 400, offset: 0 },
    result: filler(5000 + i, 1_550),
  }));
}

const SYSTEM = `You are an interactive coding agent. ${filler(7, 2_600)}`;
const LAST_ASK = 'Now run the tests and tell me whether the change is safe to merge.';

let cached: { tools: ToolDefinition[]; rounds: Round[] } | undefined;

function conversation(): { tools: ToolDefinition[]; rounds: Round[] } {
  cached ??= { tools: toolDefinitions(), rounds: history() };
  return cached;
}

/** The turn as an OpenAI chat request. */
export function agentTurnOpenAI(model: string, stream: boolean): string {
  const { tools, rounds } = conversation();
  const messages: unknown[] = [{ role: 'system', content: SYSTEM }];
  for (const r of rounds) {
    messages.push({ role: 'user', content: r.ask });
    messages.push({
      role: 'assistant',
      content: r.say,
      tool_calls: [
        { id: r.callId, type: 'function', function: { name: r.tool, arguments: JSON.stringify(r.input) } },
      ],
    });
    messages.push({ role: 'tool', tool_call_id: r.callId, content: r.result });
  }
  messages.push({ role: 'user', content: LAST_ASK });
  return JSON.stringify({
    model,
    messages,
    tools: tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.schema },
    })),
    max_tokens: 4096,
    ...(stream ? { stream: true } : {}),
  });
}

/** The same turn as an Anthropic Messages request. */
export function agentTurnAnthropic(model: string, stream: boolean): string {
  const { tools, rounds } = conversation();
  const messages: unknown[] = [];
  for (const r of rounds) {
    // A tool result and the next question share one user turn, as Claude Code sends them.
    const previous = messages.at(-1) as { role: string; content: unknown[] } | undefined;
    const ask = { type: 'text', text: r.ask };
    if (previous?.role === 'user') previous.content.push(ask);
    else messages.push({ role: 'user', content: [ask] });
    messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: r.say },
        { type: 'tool_use', id: r.callId, name: r.tool, input: r.input },
      ],
    });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: r.callId, content: r.result }],
    });
  }
  (messages.at(-1) as { content: unknown[] }).content.push({ type: 'text', text: LAST_ASK });
  return JSON.stringify({
    model,
    system: SYSTEM,
    messages,
    tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.schema })),
    max_tokens: 4096,
    ...(stream ? { stream: true } : {}),
  });
}
