import { Agent } from 'undici';

/**
 * Upstream connections. undici sets the connect timeout per dispatcher, not per request,
 * so there is one keep-alive Agent per distinct connect timeout (in practice one or two).
 */
const agents = new Map<number, Agent>();

const AGENT_OPTIONS = {
  pipelining: 1,
  // No cap per origin: a stream holds its connection for minutes, and any cap would queue
  // the next request behind the open streams (a gateway holding 10,000 streams to one
  // provider needs 10,000 connections). The process's open-file limit is the real bound.
  connections: null,
  keepAliveTimeout: 10_000,
  keepAliveMaxTimeout: 60_000,
} as const;

export function upstreamDispatcher(connectMs: number): Agent {
  let agent = agents.get(connectMs);
  if (agent === undefined) {
    agent = new Agent({ ...AGENT_OPTIONS, connect: { timeout: connectMs } });
    agents.set(connectMs, agent);
  }
  return agent;
}

/**
 * Closes every upstream connection; later requests open new ones. By default waits for
 * in-flight requests to finish; `force` fails them at once.
 */
export async function closeUpstreamConnections(options: { force?: boolean } = {}): Promise<void> {
  const closing = [...agents.values()];
  agents.clear();
  await Promise.all(closing.map((agent) => (options.force ? agent.destroy() : agent.close())));
}
