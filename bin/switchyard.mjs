#!/usr/bin/env node
// Runs the TypeScript CLI; needs Node 24 (npx/npm run put the project's own Node first on PATH).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `switchyard needs Node 24 or newer (this is ${process.version}); run it as 'npx switchyard' from the project.`,
  );
  process.exit(1);
}
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'ExperimentalWarning') console.warn(warning);
});
const { runCli } = await import('../src/cli/main.ts');
runCli(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error) => {
    console.error(`switchyard: ${error.message}`);
    process.exit(1);
  },
);
