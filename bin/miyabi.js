#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` builds it (the "prepare" script). CommonJS (bin/package.json):
// the verbs run most often are CommonJS bundles required from here, so their processes never
// start node's ESM loader (issue #17); every other verb goes to the full CLI, an ES module.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'cli');
if (!existsSync(join(cli, 'main.js'))) {
  process.stderr.write('miyabi: not built yet; run `npm ci` (or `npm run build`) in ' + join(__dirname, '..') + '\n');
  process.exit(1);
}
const [verb, ...rest] = process.argv.slice(2);
// `ls` is `agents`; each file takes only its verb's plain shapes and answers null for the rest.
const quick = { status: 'status', agents: 'agents', ls: 'agents', inbox: 'inbox', down: 'down', up: 'up', emit: 'emit' };

async function run() {
  // Scripts call send in tight loops: it never needs the full parser.
  if (verb === 'send' || verb === 'broadcast') return require(join(cli, 'quick', 'send.cjs')).runSend(rest, verb === 'broadcast');
  // A spare controller already loaded takes `up` whole: this process only asks (cli/spare-client.ts).
  if (verb === 'up' && process.env.MIYABI_SPARE !== '0') {
    const code = await require(join(cli, 'quick', 'spare.cjs')).upViaSpare(rest);
    if (code !== null) return code;
  }
  const code = Object.hasOwn(quick, verb) ? await require(join(cli, 'quick', `${quick[verb]}.cjs`)).run(rest) : null;
  if (code !== null) return code;
  const { main } = await import(require('node:url').pathToFileURL(join(cli, 'main.js')).href);
  return main(process.argv);
}

run().then((code) => {
  process.exitCode = code;
  // `up` and `down` await all their work and write their output synchronously (pipes, files and
  // terminals are on Linux), so they end here: left to node's own exit `up` took 50 ms longer (p50
  // of 14 runs, interleaved; the main thread was silent between its output and its exit), `down`
  // 4 ms (12 runs). Issue #17.
  if (verb === 'up' || verb === 'down') process.exit(code);
});
