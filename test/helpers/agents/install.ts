import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lockFile } from '../../../src/core/file-lock.js';

/**
 * Real agent CLIs for the agents suite (npm run test:agents), installed with npm into a cache
 * folder OUTSIDE the repository (they are not dependencies of miyabi; Claude Code is ~235 MB).
 *
 * - Cache root: $MIYABI_AGENT_CACHE, else ~/.cache/miyabi-test-agents.
 * - One folder per pinned version (`claude-code-2.1.197`), so changing a pin never reuses an old
 *   install. A `.installed` marker is written only after the binary answered `--version`.
 * - Two vitest workers may ask at once: an atomic `mkdir <folder>.lock` serialises them; a lock
 *   whose owner pid is gone (or that is older than the install deadline) is broken.
 */
export const CLAUDE_VERSION = '2.1.197';
export const CODEX_VERSION = '0.169.0';

const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 10 * 60_000;

export function agentCacheRoot(): string {
  return process.env.MIYABI_AGENT_CACHE || join(homedir(), '.cache', 'miyabi-test-agents');
}

interface AgentPackage {
  pkg: string;
  version: string;
  bin: string;
  /** What `<bin> --version` prints for this version. */
  versionOutput: RegExp;
}

const CLAUDE: AgentPackage = {
  pkg: '@anthropic-ai/claude-code',
  version: CLAUDE_VERSION,
  bin: 'claude',
  versionOutput: new RegExp(`^${CLAUDE_VERSION.replace(/\./g, '\\.')} \\(Claude Code\\)`),
};
const CODEX: AgentPackage = {
  pkg: '@openai/codex',
  version: CODEX_VERSION,
  bin: 'codex',
  versionOutput: new RegExp(`^codex-cli ${CODEX_VERSION.replace(/\./g, '\\.')}\\s*$`),
};

const memo = new Map<string, Promise<string>>();

/** Installs Claude Code (pinned) once, returns the path of its `claude` binary. */
export function ensureClaude(): Promise<string> {
  return ensure(CLAUDE);
}

/** Installs the Codex CLI (pinned) once, returns the path of its `codex` launcher. */
export function ensureCodex(): Promise<string> {
  return ensure(CODEX);
}

function ensure(a: AgentPackage): Promise<string> {
  let p = memo.get(a.pkg);
  if (!p) {
    p = install(a);
    memo.set(a.pkg, p);
    p.catch(() => memo.delete(a.pkg));
  }
  return p;
}

/**
 * The variables a surrounding `npm run test:agents` sets for the repository (its prefix, its
 * package, workspaces) must not steer the nested install; registry, cache and proxy settings stay.
 */
const NPM_RUN_VARS = /^npm_(package_|lifecycle_|config_(prefix|local_prefix|global|save|workspaces?|include_workspace_root)$)/i;

function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!NPM_RUN_VARS.test(k)) env[k] = v;
  return env;
}

async function versionOk(a: AgentPackage, bin: string): Promise<boolean> {
  if (!existsSync(bin)) return false;
  try {
    const { stdout } = await run(bin, ['--version'], { timeout: 60_000, env: npmEnv() });
    return a.versionOutput.test(stdout.trim());
  } catch {
    return false;
  }
}

async function install(a: AgentPackage): Promise<string> {
  const dir = join(agentCacheRoot(), `${a.pkg.split('/').pop()}-${a.version}`);
  const bin = join(dir, 'node_modules', '.bin', a.bin);
  const marker = join(dir, '.installed');
  const done = () => existsSync(marker) && readFileSync(marker, 'utf8').trim() === `${a.pkg}@${a.version}`;
  if (done() && existsSync(bin)) return bin;

  mkdirSync(join(dir, '..'), { recursive: true });
  // One installer at a time across test workers; a lock left by a dead worker is taken over.
  const release = await lockFile(`${dir}.lock`, Date.now() + INSTALL_TIMEOUT_MS + 60_000);
  if (!release) throw new Error(`timed out waiting for the install lock ${dir}.lock`);
  try {
    if (done() && existsSync(bin)) return bin;
    mkdirSync(dir, { recursive: true });
    if (!(await versionOk(a, bin))) {
      const args = ['install', '--prefix', dir, '--no-audit', '--no-fund', '--save-exact', `${a.pkg}@${a.version}`];
      try {
        await run('npm', args, { cwd: dir, timeout: INSTALL_TIMEOUT_MS, env: npmEnv(), maxBuffer: 64 << 20 });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`npm ${args.join(' ')} failed: ${err.stderr || err.message}`);
      }
      // Claude Code's postinstall copies the native binary over bin/claude.exe. If npm skipped
      // install scripts, run it ourselves.
      const postinstall = join(dir, 'node_modules', ...a.pkg.split('/'), 'install.cjs');
      if (!(await versionOk(a, bin)) && existsSync(postinstall)) {
        await run(process.execPath, [postinstall], { cwd: join(postinstall, '..'), env: npmEnv() });
      }
      if (!(await versionOk(a, bin))) {
        throw new Error(`${a.pkg}@${a.version} installed in ${dir} but \`${bin} --version\` does not print it`);
      }
    }
    writeFileSync(marker, `${a.pkg}@${a.version}\n`);
    return bin;
  } finally {
    release();
  }
}

