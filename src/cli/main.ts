import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { isProviderAllowed, loadSettings } from '../config/settings.ts';
import { createLogger } from '../logging/logger.ts';
import { serve } from '../main.ts';
import { Catalog } from '../resources/catalog.ts';
import { openRuntime } from '../runtime.ts';
import { applyDocument } from './apply.ts';
import { interpolateEnv } from './interpolate-env.ts';
import { rotateMasterKey } from './rotate-master-key.ts';

const USAGE = `Usage: switchyard <command> [options]

Commands:
  serve                      start the gateway (same as npm start)
  migrate                    apply pending database migrations and exit
  apply -f <file> [--dry-run]
                             make the database hold the secrets, models and endpoints
                             in a YAML (or JSON) file; \${VAR} reads the environment
  rotate-master-key          re-wrap every secret's data key under SWITCHYARD_MASTER_KEY
                             (old keys in SWITCHYARD_MASTER_KEY_PREVIOUS)
  help                       show this text

Configuration comes from SWITCHYARD_* environment variables (see README).`;

async function withRuntime<T>(
  work: (runtime: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>,
): Promise<T> {
  const settings = loadSettings();
  const log = createLogger(settings.logLevel === 'info' ? 'warn' : settings.logLevel, process.stderr);
  const runtime = await openRuntime(settings, log);
  try {
    return await work(runtime);
  } finally {
    await runtime.store.close();
  }
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve();
      return -1;
    case 'migrate': {
      const settings = loadSettings();
      const log = createLogger('warn', process.stderr);
      const { store } = await openRuntime(settings, log);
      const version = await store.configVersion();
      await store.close();
      console.log(`database is migrated (${store.kind}, config version ${version})`);
      return 0;
    }
    case 'apply': {
      const { values } = parseArgs({
        args: rest,
        options: { file: { type: 'string', short: 'f' }, 'dry-run': { type: 'boolean' } },
      });
      if (!values.file) {
        console.error('switchyard apply: -f <file> is required');
        return 2;
      }
      const document = interpolateEnv(parseYaml(readFileSync(values.file, 'utf8')), process.env);
      const settings = loadSettings();
      const report = await withRuntime(async ({ store, vault }) => {
        const catalog = new Catalog({
          store,
          vault,
          isProviderAllowed: (provider) => isProviderAllowed(settings, provider),
          onChange: async () => undefined,
        });
        return applyDocument(document, catalog, (provider) => isProviderAllowed(settings, provider), {
          dryRun: values['dry-run'] === true,
        });
      });
      for (const line of report) console.log(`${line.kind} ${line.name}: ${line.action}`);
      const count = (action: string) => report.filter((r) => r.action === action).length;
      console.log(
        `${values['dry-run'] ? 'dry run: would have ' : ''}created ${count('created')}, changed ${count('changed')}, unchanged ${count('unchanged')}`,
      );
      return 0;
    }
    case 'rotate-master-key': {
      if (!process.env['SWITCHYARD_MASTER_KEY']) {
        console.error('switchyard rotate-master-key: set SWITCHYARD_MASTER_KEY to the new key first');
        return 2;
      }
      const report = await withRuntime(({ store, vault }) => rotateMasterKey(store, vault));
      console.log(
        `re-wrapped ${report.rewrapped} secret(s) under the current master key; ${report.alreadyCurrent} already were`,
      );
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`switchyard: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (error: unknown) => {
      console.error(`switchyard: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
