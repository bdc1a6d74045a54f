// The fake provider as its own process, for the bench:
//   node bench/fake-upstream.ts [--port 0] [--stream-chunks 40] [--reply-bytes 1024]
// Recording is off (a benchmark would otherwise grow the request log without bound).
// Started by bench/run.ts with an IPC channel, it reports `{type:'ready', port}`, obeys
// UpstreamControl messages (so a workload can change the replies) and exits with its parent.

import { parseArgs } from 'node:util';
import type { DefaultsConfig, Reply } from '../test/fake-provider/index.ts';
import { startFakeProvider } from '../test/fake-provider/index.ts';

/** The replies a workload may ask for: anything but `dynamic` (functions do not cross processes). */
export type StaticReply = Exclude<Reply, { kind: 'dynamic' }>;

export type UpstreamControl =
  /** Back to the start options and the built-in replies. */
  | { type: 'reset' }
  | { type: 'configure'; config: Partial<DefaultsConfig> }
  | { type: 'set-default'; reply: StaticReply };

export const UPSTREAM_DEFAULTS = { streamChunks: 40, replyBytes: 1024 } as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'stream-chunks': { type: 'string', default: String(UPSTREAM_DEFAULTS.streamChunks) },
      'reply-bytes': { type: 'string', default: String(UPSTREAM_DEFAULTS.replyBytes) },
    },
  });
  const fake = await startFakeProvider({
    record: false,
    streamChunks: Number(values['stream-chunks']),
    replyBytes: Number(values['reply-bytes']),
    port: Number(values.port),
  });

  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  if (process.send === undefined) {
    console.log(`fake upstream listening on ${fake.url}`);
    return;
  }
  process.on('disconnect', stop);
  process.on('message', (msg: UpstreamControl) => {
    if (msg.type === 'reset') fake.reset();
    else if (msg.type === 'configure') fake.configure(msg.config);
    else if (msg.type === 'set-default') fake.setDefault(msg.reply);
    process.send?.({ type: 'ack' });
  });
  process.send({ type: 'ready', port: fake.port });
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`fake upstream: ${(error as Error).message}`);
    process.exit(1);
  });
}
