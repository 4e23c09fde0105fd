// The import rules of docs/architecture.md, checked by `npm run arch` (part of `npm test`).
// Type-only imports are seen (tsPreCompilationDeps) so a domain part may name a port's interface,
// but they never count as cycles: only what runs at import time can deadlock a module graph.

const DOMAIN = '^src/(agents|pipelines|bus|delivery|config|triggers|recovery|feedback)/';
const ADAPTER = '^src/(tmux|git|shell)/';
// Where the ports live: one file named port.ts at the top of each adapter.
const PORT = '^src/(tmux|git|shell)/port\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycle',
      severity: 'error',
      comment: 'A runtime import cycle makes start-up order matter. Type-only imports do not count.',
      from: { path: '^src/' },
      to: {
        circular: true,
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'core-imports-nothing-of-ours',
      severity: 'error',
      comment: 'core/ is the floor: journal, snapshot, ids, errors, small pure helpers.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'domain-not-adapters',
      severity: 'error',
      comment: "Domain parts take tmux, git and shell only through a port (the adapter's port.ts).",
      from: { path: DOMAIN },
      to: { path: ADAPTER, pathNot: PORT },
    },
    {
      name: 'domain-ports-type-only',
      severity: 'error',
      comment: 'A domain part names the port interface; the controller hands it the adapter.',
      from: { path: DOMAIN },
      to: { path: PORT, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-not-outer-rings',
      severity: 'error',
      comment: 'Domain parts know nothing of the controller, the protocol or the clients.',
      from: { path: DOMAIN },
      to: { path: '^src/(controller|cli|ui|ipc)/' },
    },
    {
      name: 'leaf-domains-only-core',
      severity: 'error',
      comment: 'bus/ and config/ sit just above core/: everything else may use them, they use nothing but core/.',
      from: { path: '^src/(bus|config)/' },
      to: { path: '^src/', pathNot: ['^src/core/', '^src/$1/'] },
    },
    {
      name: 'adapters-only-core',
      severity: 'error',
      comment: 'Adapters are doors to the outside; git/ runs hooks through the shell door.',
      from: { path: ADAPTER },
      to: { path: '^src/', pathNot: ['^src/core/', '^src/$1/', '^src/shell/'] },
    },
    {
      name: 'ipc-only-core',
      severity: 'error',
      comment: 'ipc/ is the protocol shared by clients and the controller; it may name domain types, nothing more.',
      from: { path: '^src/ipc/' },
      to: { path: '^src/', pathNot: ['^src/(core|ipc)/', DOMAIN] },
    },
    {
      name: 'ipc-domain-types-only',
      severity: 'error',
      comment: 'A message file may take a domain type for its reply, never code.',
      from: { path: '^src/ipc/' },
      to: { path: DOMAIN, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'cli-not-controller',
      severity: 'error',
      comment: 'The CLI is a client of the controller: it speaks ipc/, it does not import it.',
      from: { path: '^src/cli/' },
      to: { path: '^src/controller/' },
    },
    {
      name: 'ui-is-an-ipc-client',
      severity: 'error',
      comment: 'The dashboard and the conductor speak ipc/ only (and may name config/ types).',
      from: { path: '^src/ui/' },
      to: { path: '^src/', pathNot: ['^src/(core|ipc|ui)/', '^src/config/'] },
    },
    {
      name: 'ui-config-types-only',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/config/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'session-not-its-users',
      comment: 'session/ builds a session before a controller owns it: `up` (cli/) and the controller both use it; it uses neither.',
      severity: 'error',
      from: { path: '^src/session/' },
      to: { path: '^src/(cli|controller|ui)/' },
    },
    {
      name: 'controller-not-clients',
      severity: 'error',
      comment: 'The controller serves clients; it does not import them.',
      from: { path: '^src/controller/' },
      to: { path: '^src/(cli|ui)/' },
    },
    {
      name: 'spare-is-an-entry',
      severity: 'error',
      comment: 'A spare controller (spare/) is a process that becomes a controller by running `up` (cli/) in itself: it may use both, so nothing uses it but the processes that start one (the controller\'s entry) and the code of the spare itself.',
      from: { path: '^src/', pathNot: ['^src/spare/', '^src/controller/main\\.ts$'] },
      to: { path: '^src/spare/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    moduleSystems: ['es6'],
  },
};
