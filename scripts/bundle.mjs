// Bundles the controller into one file after tsc, beside its sources so that paths taken from
// import.meta.url (the package root, the shipped layouts) resolve the same. Resolving and loading ~200 small ESM modules
// (zod, yaml, ours) cost ≈ 60 ms of every controller start here; one file takes that away.
// The CLI stays unbundled: its verbs import lazily and `send` loads only what it needs.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/controller/main.js'],
  outfile: 'dist/controller/bundle.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __miyabiRequire } from 'node:module'; const require = __miyabiRequire(import.meta.url);" },
});
