// Bundles the controller and `send` into one file each after tsc, beside their sources so that
// paths taken from import.meta.url (the package root, the shipped layouts) resolve the same.
// Resolving and loading ~200 small ESM modules (zod, yaml, ours) cost ≈ 60 ms of every
// controller start here; one file takes that away. The rest of the CLI stays unbundled: its
// verbs import lazily.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __miyabiRequire } from 'node:module'; const require = __miyabiRequire(import.meta.url);" },
};

await build({ ...common, entryPoints: ['dist/controller/main.js'], outfile: 'dist/controller/bundle.mjs' });
// `miyabi send` is called in loops by scripts: one file, no module graph to resolve at start.
await build({ ...common, entryPoints: ['dist/cli/send-entry.js'], outfile: 'dist/cli/send.bundle.mjs' });
// `status`, `agents`, `inbox`, `down`: the same, without commander (cli/quick-entry.ts).
await build({ ...common, entryPoints: ['dist/cli/quick-entry.js'], outfile: 'dist/cli/quick.bundle.mjs' });
