/**
 * `miyabi hooks install|uninstall`: git hooks that emit events to the bus (post-commit → git.commit,
 * pre-push → git.push per ref, post-merge → git.merge) with scripts/miyabi-emit.sh, so a hook costs
 * a few milliseconds and no node. A hook the user had is kept: it is moved aside to
 * `<hook>.miyabi-saved` and run first by ours, with its own name as $0 (husky's stubs find the
 * user's script by it), its standard input and its exit status (a pre-push that refuses still
 * refuses, and then nothing is emitted). Hooks go where git runs them (`core.hooksPath` included).
 * Uninstall removes only files that carry our mark, and puts each saved hook back byte for byte.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { shQuote } from '../core/sh-quote.js';

export const HOOK_MARK = '# installed by miyabi hooks';
export const SAVED = '.miyabi-saved';
export const EMIT_HOOKS = ['post-commit', 'pre-push', 'post-merge'] as const;

export function hooksDir(root: string): string {
  const out = execFileSync('git', ['rev-parse', '--git-path', 'hooks'], { cwd: root, encoding: 'utf8' }).trim();
  return path.resolve(root, out);
}

function emitLines(hook: (typeof EMIT_HOOKS)[number], emit: string): string {
  const e = `${shQuote(emit)} --source git-hook`;
  const branch = 'branch=$(git symbolic-ref --short -q HEAD || true)';
  if (hook === 'post-commit') return `${branch}\n${e} git.commit "branch=$branch" "sha=$(git rev-parse HEAD)" >/dev/null 2>&1 || true`;
  if (hook === 'post-merge') return `${branch}\n${e} git.merge "branch=$branch" "sha=$(git rev-parse HEAD)" "squash=$1" >/dev/null 2>&1 || true`;
  return [
    'printf \'%s\\n\' "$input" | while read -r lref lsha rref rsha; do',
    '  [ -n "$lref" ] || continue',
    '  case $lsha in *[!0]*) ;; *) continue ;; esac  # a deleted ref pushes nothing',
    `  ${e} git.push "branch=\${rref#refs/heads/}" "ref=$rref" "sha=$lsha" "remote=$1" "url=$2" >/dev/null 2>&1 || true`,
    'done',
  ].join('\n');
}

export function hookScript(hook: (typeof EMIT_HOOKS)[number], emit: string, busDir: string): string {
  const stdin = hook === 'pre-push';
  return `#!/bin/sh
${HOOK_MARK}: emits to the miyabi bus. \`miyabi hooks uninstall\` removes it and puts back
# the hook that was here (kept as ${hook}${SAVED}).
${stdin ? 'input=$(cat)\n' : ''}saved="$0${SAVED}"
if [ -f "$saved" ] && [ -x "$saved" ]; then
  case $(head -n 1 "$saved") in
    '#!/bin/sh'* | '#!/usr/bin/env sh'* | '#!/bin/bash'* | '#!/usr/bin/env bash'*)
      ${stdin ? 'printf \'%s\\n\' "$input" | ' : ''}sh -c '. "$0${SAVED}"' "$0" "$@" || exit $? ;;
    *) ${stdin ? 'printf \'%s\\n\' "$input" | ' : ''}"$saved" "$@" || exit $? ;;
  esac
fi
MIYABI_BUS=${shQuote(busDir)}
export MIYABI_BUS
${emitLines(hook, emit)}
exit 0
`;
}

export interface HookReport {
  dir: string;
  installed: string[];
  kept: string[];
  removed: string[];
  restored: string[];
}

const ours = (file: string): boolean => {
  try {
    return fs.readFileSync(file, 'utf8').includes(HOOK_MARK);
  } catch {
    return false;
  }
};

export function installHooks(root: string, emit: string, busDir: string): HookReport {
  const dir = hooksDir(root);
  fs.mkdirSync(dir, { recursive: true });
  const r: HookReport = { dir, installed: [], kept: [], removed: [], restored: [] };
  for (const hook of EMIT_HOOKS) {
    const file = path.join(dir, hook);
    if (fs.existsSync(file) && !ours(file)) {
      if (fs.existsSync(file + SAVED)) throw new Error(`${file}${SAVED} exists already: move it away, then install again`);
      fs.renameSync(file, file + SAVED);
      r.kept.push(hook);
    }
    fs.writeFileSync(file, hookScript(hook, emit, busDir), { mode: 0o755 });
    fs.chmodSync(file, 0o755);
    r.installed.push(hook);
  }
  return r;
}

export function uninstallHooks(root: string): HookReport {
  const dir = hooksDir(root);
  const r: HookReport = { dir, installed: [], kept: [], removed: [], restored: [] };
  for (const hook of EMIT_HOOKS) {
    const file = path.join(dir, hook);
    if (!ours(file)) continue;
    if (fs.existsSync(file + SAVED)) {
      fs.renameSync(file + SAVED, file);
      r.restored.push(hook);
    } else {
      fs.unlinkSync(file);
      r.removed.push(hook);
    }
  }
  return r;
}

export function hooksStatus(root: string): { dir: string; hooks: { hook: string; ours: boolean; saved: boolean }[] } {
  const dir = hooksDir(root);
  return { dir, hooks: EMIT_HOOKS.map((hook) => ({ hook, ours: ours(path.join(dir, hook)), saved: fs.existsSync(path.join(dir, hook + SAVED)) })) };
}
