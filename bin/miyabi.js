#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` builds it (the "prepare" script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('miyabi: not built yet; run `npm ci` (or `npm run build`) in ' + fileURLToPath(new URL('..', import.meta.url)) + '\n');
  process.exit(1);
}
const verb = process.argv[2];
if (verb === 'send' || verb === 'broadcast') {
  // Scripts call send in tight loops: skip the full command parser and load only the bus.
  const { runSend } = await import(new URL('../dist/cli/send.bundle.mjs', import.meta.url).href);
  process.exitCode = await runSend(process.argv.slice(3), verb === 'broadcast');
} else {
  // The quick verbs in their plain shapes skip the command parser too (dist/cli/quick-entry.js).
  const quick = ['status', 'agents', 'ls', 'inbox', 'down', 'up', 'emit'].includes(verb)
    ? await (await import(new URL('../dist/cli/quick/entry.mjs', import.meta.url).href)).runQuick(process.argv.slice(2))
    : null;
  if (quick !== null) {
    process.exitCode = quick;
  } else {
    const { main } = await import(entry.href);
    process.exitCode = await main(process.argv);
  }
}
