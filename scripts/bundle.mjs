// Bundles the controller and `send` into one file each after tsc, beside their sources so that
// paths taken from import.meta.url (the package root, the shipped layouts) resolve the same.
// Resolving and loading ~200 small ESM modules (zod, yaml, ours) cost ≈ 60 ms of every
// controller start here; one file takes that away. The rest of the CLI stays unbundled: its
// verbs import lazily.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

// zod puts every locale it ships (~240 KB, some 40 languages) behind `z.locales`, so a bundle
// holds and evaluates them all at load: a third of the controller's start-up code. miyabi's
// messages are English, zod's default (its own `config(en())`): only that one is kept.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-en' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, resolveDir: process.cwd() }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
  // yaml's "node" export is CommonJS, bundled whole and evaluated at load; its ESM build (the
  // same code, for browsers, no node APIs) lets esbuild keep only what miyabi calls.
  alias: { yaml: './node_modules/yaml/browser/index.js' },
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __miyabiRequire } from 'node:module'; const require = __miyabiRequire(import.meta.url);" },
};

// Split: what a part loads only when it starts (after `up` has been told: the triggers engine,
// feedback's prom-client, execa, simple-git) is its own chunk, so the controller's start-up
// compiles about half as much (issue #17). The entry keeps its name: `pgrep -f controller/bundle.mjs`
// (a controller that was a spare runs as `controller/spare.mjs <its folder>`).
for (const f of readdirSync('dist/controller')) if (/\.mjs(\.map)?$/.test(f)) rmSync(`dist/controller/${f}`);
// A spare controller (spare/main.ts) shares the controller's chunks: it is one, waiting for its project.
await build({ ...common, entryPoints: { bundle: 'dist/controller/main.js', spare: 'dist/spare/main.js' }, outdir: 'dist/controller', splitting: true, outExtension: { '.js': '.mjs' } });
// The verbs a script or a person runs many times a day (`send`, `status`, `agents`, `inbox`,
// `emit`, `down`, `up`): one self-contained CommonJS file each, which bin/miyabi.js (itself
// CommonJS) require()s. A verb's process then starts no ESM loader (≈ 7 ms of a node start here)
// and resolves no module graph, and compiles only its own verb's code (issue #17).
rmSync('dist/cli/quick', { recursive: true, force: true }); // no stale files from an earlier build
rmSync('dist/cli/send.bundle.mjs', { force: true });
rmSync('dist/cli/send.bundle.mjs.map', { force: true });
// In a CommonJS bundle lazy-builtins needs no createRequire: node:module, loaded for it, brings
// part of the ESM loader (≈ 2 ms). It takes the bundle's own require instead.
const ownRequire = {
  name: 'lazy-builtins-own-require',
  setup(b) {
    b.onLoad({ filter: /[\\/]core[\\/]lazy-builtins\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const out = src.replace(/^import \{ createRequire \} from 'node:module';$/m, '').replace('createRequire(import.meta.url)', 'require');
      if (out.includes('createRequire')) throw new Error(`${args.path}: its createRequire was not replaced; update scripts/bundle.mjs`);
      return { contents: out, loader: 'js' };
    });
  },
};
// git's worktree code (simple-git, execa: ~430 KB) is imported only when an agent asks for a
// worktree (session/worktrees.ts). A CommonJS bundle would inline it and parse it on every `up`;
// it stays the unbundled ES module in dist/git/, imported from there when needed.
const worktreesOutside = {
  name: 'worktrees-outside',
  setup(b) {
    b.onResolve({ filter: /[\\/]git[\\/]worktree-port\.js$/ }, (args) => (args.kind === 'dynamic-import' ? { path: '../../git/worktree-port.js', external: true } : undefined));
  },
};
const cjs = {
  ...common,
  plugins: [...common.plugins, ownRequire, worktreesOutside],
  format: 'cjs',
  // Their sources read import.meta.url to find the package's files (`../../layouts/` from
  // dist/<part>/): the URL of a file in dist/cli/, one level above these bundles, gives them the same.
  define: { 'import.meta.url': '__miyabiUrl' },
  banner: { js: "const __miyabiUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', require('node:path').basename(__filename))).href;" },
};
// bin/miyabi.js maps each verb (and `ls`, which is `agents`) to these files by the same names.
const quick = { status: 'quickStatus', agents: 'quickAgents', inbox: 'quickInbox', emit: 'quickEmit', down: 'quickDown', up: 'quickUp' };
const entries = [
  ['send', "export { runSend } from './send-entry.js';"],
  // The thin `up`: asks this user's spare controller first (cli/spare-client.ts).
  ['spare', "export { upViaSpare } from './spare-client.js';"],
  ...Object.entries(quick).map(([verb, pick]) => [
    verb,
    `import { ${pick} } from './quick-entry.js';\nimport { guarded } from './io.js';\nexport const run = (args) => { const r = ${pick}(args); return r ? guarded(r) : Promise.resolve(null); };`,
  ]),
];
await Promise.all(entries.map(([verb, contents]) =>
  build({ ...cjs, stdin: { contents, resolveDir: 'dist/cli', sourcefile: `quick-${verb}.js` }, outfile: `dist/cli/quick/${verb}.cjs` })));
