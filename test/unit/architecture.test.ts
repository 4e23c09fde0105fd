import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

// The same rules `npm run arch` checks (docs/architecture.md), run through dependency-cruiser's
// API: once on planted trees, to show each rule bites, and once on the real src/.
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = createRequire(import.meta.url)(join(repo, '.dependency-cruiser.cjs')) as IConfiguration;
const { tsConfig: _ignored, ...options } = config.options ?? {};

async function check(baseDir: string, knownViolations?: unknown): Promise<{ rule: string; from: string; to: string }[]> {
  const r = await cruise(
    ['src'],
    { ...options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden ?? [] }, ...(knownViolations ? { knownViolations } : {}) } as never,
    { extensions: ['.ts', '.js', '.json'] },
  );
  const out = r.output as ICruiseResult;
  return out.summary.violations
    .filter((v) => v.rule.severity !== 'ignore') // the known ones come back as 'ignore'
    .map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-arch-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('architecture check', () => {
  it('passes on the real tree (known violations aside, until their slices land)', async () => {
    const known = JSON.parse(readFileSync(join(repo, '.dependency-cruiser-known-violations.json'), 'utf8')) as unknown;
    expect(await check(repo, known)).toEqual([]);
  }, 60_000);

  it('fails on a planted bad import in each ring', async () => {
    const dir = tree({
      'src/core/a.ts': "import { b } from '../cli/b.js';\nexport const a = b;\n",
      'src/cli/b.ts': "export { run } from '../controller/c.js';\nexport const b = 1;\n",
      'src/controller/c.ts': 'export const run = 1;\n',
      'src/agents/d.ts': "import { spawnPane } from '../tmux/adapter.js';\nexport const d = spawnPane;\n",
      'src/tmux/adapter.ts': 'export const spawnPane = 1;\n',
      'src/ui/e.ts': "import { f } from '../pipelines/f.js';\nexport const e = f;\n",
      'src/pipelines/f.ts': 'export const f = 1;\n',
      'src/session/g.ts': "import { run } from '../controller/c.js';\nexport const g = run;\n",
    });
    const rules = (await check(dir)).map((v) => `${v.rule}: ${v.from} → ${v.to}`).sort();
    expect(rules).toEqual([
      'cli-not-controller: src/cli/b.ts → src/controller/c.ts',
      'core-imports-nothing-of-ours: src/core/a.ts → src/cli/b.ts',
      'domain-not-adapters: src/agents/d.ts → src/tmux/adapter.ts',
      'session-not-its-users: src/session/g.ts → src/controller/c.ts',
      'ui-is-an-ipc-client: src/ui/e.ts → src/pipelines/f.ts',
    ]);
  }, 60_000);

  it('counts runtime cycles, not type-only ones; a port is named by type only', async () => {
    const dir = tree({
      // a runtime cycle (reported once, from where the walk found it)
      'src/agents/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/agents/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      // type-only back edge: fine
      'src/bus/c.ts': "import { d } from './d.js';\nexport interface C { n: number }\nexport const c = d;\n",
      'src/bus/d.ts': "import type { C } from './c.js';\nexport const d = (x: C) => x.n;\n",
      // a port by type: fine; by value: refused
      'src/tmux/port.ts': 'export interface TmuxPort { run(): void }\nexport const fake = 1;\n',
      'src/delivery/e.ts': "import type { TmuxPort } from '../tmux/port.js';\nexport const e = (t: TmuxPort) => t.run();\n",
      'src/delivery/f.ts': "import { fake } from '../tmux/port.js';\nexport const f = fake;\n",
    });
    const rules = (await check(dir)).map((v) => `${v.rule}: ${v.from}`).sort();
    expect(rules).toEqual([
      'domain-ports-type-only: src/delivery/f.ts',
      'no-runtime-cycle: src/agents/a.ts',
    ]);
  }, 60_000);
});
