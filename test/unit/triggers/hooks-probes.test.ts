/**
 * Git hooks with a husky-style core.hooksPath (the user's stub finds its script by $0 and still
 * runs; uninstall puts it back byte for byte), and the probes' readings from fake /proc files,
 * a metrics port, and without one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pendingEvents, readEvent } from '../../../src/bus/events.js';
import { installHooks, uninstallHooks } from '../../../src/git/emit-hooks.js';
import { makeProbe, type ProbeDeps } from '../../../src/triggers/probes.js';
import type { ConditionSpec } from '../../../src/config/trigger-schema.js';
import { TriggerEngine } from '../../../src/triggers/engine.js';
import { tempProject } from '../config/temp-project.js';
import { FakeStarter, rule, Sink } from './fakes.js';

const EMIT_SH = path.join(import.meta.dirname, '..', '..', '..', 'scripts', 'miyabi-emit.sh');
const git = (cwd: string, ...a: string[]) => execFileSync('git', ['-c', 'user.email=t@t.invalid', '-c', 'user.name=t', ...a], { cwd, encoding: 'utf8' }).trim();

describe('hooks', () => {
  it('chain with a husky-style core.hooksPath: the user hook runs, the commit is emitted, uninstall restores it', () => {
    const root = tempProject();
    git(root, 'init', '-q', '-b', 'main');
    // husky v9's shape: .husky/_/<hook> is a stub that runs .husky/<hook> found by its own name.
    fs.mkdirSync(path.join(root, '.husky', '_'), { recursive: true });
    const stub = '#!/usr/bin/env sh\n. "$(dirname -- "$0")/h"\n';
    fs.writeFileSync(path.join(root, '.husky', '_', 'h'), '#!/usr/bin/env sh\nn=$(basename "$0")\ns=$(dirname "$(dirname "$0")")/$n\n[ -f "$s" ] || exit 0\nsh -e "$s" "$@"\n');
    fs.writeFileSync(path.join(root, '.husky', '_', 'post-commit'), stub, { mode: 0o755 });
    fs.writeFileSync(path.join(root, '.husky', 'post-commit'), 'echo husky-ran >> husky.log\n');
    git(root, 'config', 'core.hooksPath', '.husky/_');
    const bus = path.join(root, '.miyabi', 'bus');
    const r = installHooks(root, EMIT_SH, bus);
    expect(r.dir).toBe(path.join(root, '.husky', '_'));
    expect(r.kept).toEqual(['post-commit']);
    fs.writeFileSync(path.join(root, 'f'), 'x');
    git(root, 'add', 'f');
    git(root, 'commit', '-qm', 'one');
    expect(fs.readFileSync(path.join(root, 'husky.log'), 'utf8')).toBe('husky-ran\n');
    const [name] = pendingEvents(bus);
    const ev = readEvent(bus, name as string);
    expect(ev && 'event' in ev ? ev.event : ev).toMatchObject({ type: 'git.commit', source: 'git-hook', data: { branch: 'main', sha: git(root, 'rev-parse', 'HEAD') } });
    const u = uninstallHooks(root);
    expect(u.restored).toEqual(['post-commit']);
    expect(u.removed.sort()).toEqual(['post-merge', 'pre-push']);
    expect(fs.readFileSync(path.join(root, '.husky', '_', 'post-commit'), 'utf8')).toBe(stub);
    expect(fs.readdirSync(path.join(root, '.husky', '_')).sort()).toEqual(['h', 'post-commit']);
  });

  it('a pre-push hook of the user that refuses still refuses, and nothing is emitted', () => {
    const root = tempProject();
    git(root, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(root, 'f'), 'x');
    git(root, 'add', 'f');
    git(root, 'commit', '-qm', 'one');
    fs.writeFileSync(path.join(root, '.git', 'hooks', 'pre-push'), '#!/bin/sh\necho no >&2\nexit 1\n', { mode: 0o755 });
    const bus = path.join(root, '.miyabi', 'bus');
    installHooks(root, EMIT_SH, bus);
    const bare = `${root}-remote.git`;
    execFileSync('git', ['init', '-q', '--bare', bare]);
    try {
      git(root, 'remote', 'add', 'origin', bare);
      expect(() => git(root, 'push', '-q', 'origin', 'main')).toThrow();
      expect(pendingEvents(bus)).toEqual([]);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });
});

const spec = (s: Partial<ConditionSpec>): ConditionSpec => ({ probe: 'cpu', op: 'above', threshold: 1, clear: 1, forMs: 0, everyMs: 100, windowMs: 100, text: '', ...s });

describe('probes', () => {
  function deps(files: Record<string, string>, over: Partial<ProbeDeps> = {}): ProbeDeps {
    let t = 0;
    return {
      readFile: (p) => files[p] ?? '', statfs: () => ({ bavail: 25, blocks: 100 }), facts: { unresponsiveSeconds: () => 42, stageFailed: () => undefined },
      runCommand: async () => ({ stdout: ' 17.5\n', exitCode: 0 }), now: () => (t += 100), ...over,
    };
  }

  it('cpu over a window from /proc/stat, memory from /proc/meminfo, disk, command', async () => {
    const files: Record<string, string> = { '/proc/stat': 'cpu  100 0 100 800 0 0 0 0\n', '/proc/meminfo': 'MemTotal: 1000 kB\nMemAvailable: 250 kB\n' };
    const probe = makeProbe(deps(files));
    expect(await probe(spec({}))).toEqual({ error: 'not enough samples yet' });
    files['/proc/stat'] = 'cpu  160 0 140 900 0 0 0 0\n'; // 100 busy of 200 ticks
    expect(await probe(spec({}))).toEqual({ value: 50 });
    expect(await probe(spec({ probe: 'memory' }))).toEqual({ value: 75 });
    expect(await probe(spec({ probe: 'disk' }))).toEqual({ value: 25 });
    expect(await probe(spec({ probe: 'command', command: 'x' }))).toEqual({ value: 17.5 });
    expect(await probe(spec({ probe: 'agent-unresponsive' }))).toEqual({ value: 42 });
    expect(await probe(spec({ probe: 'test-stage', stage: 'test' }))).toMatchObject({ error: expect.stringMatching(/no run of stage test/) });
  });

  it('a metric condition reads the metrics port, and says so when no provider runs', async () => {
    const none = makeProbe(deps({}));
    expect(await none(spec({ probe: 'metric', metric: 'youtube.ctr' }))).toMatchObject({ error: expect.stringMatching(/not configured: no metrics provider/) });
    const m = makeProbe(deps({}, { metrics: () => ({ value: (n) => (n === 'youtube.ctr' ? 2.5 : undefined), names: () => ['youtube.ctr'] }) }));
    expect(await m(spec({ probe: 'metric', metric: 'youtube.ctr' }))).toEqual({ value: 2.5 });
    expect(await m(spec({ probe: 'metric', metric: 'other' }))).toMatchObject({ error: expect.stringMatching(/no value yet/) });
  });
});

describe('restart', () => {
  it('the snapshot share brings back counts and dedupe keys without a replay', async () => {
    const mk = () => new TriggerEngine({ rules: [rule({ name: 'd', on: 'x' })], starter: new FakeStarter(), sink: new Sink(), pipelineOf: () => 'p' });
    const a = mk();
    a.event({ id: 'k1', type: 'x', ts: 0, source: 't', data: {} });
    await new Promise((r) => setTimeout(r, 0));
    const saved = JSON.parse(JSON.stringify(a.save()));
    const b = mk();
    b.load(saved);
    const sink = new Sink();
    const c = new TriggerEngine({ rules: [rule({ name: 'd', on: 'x' })], starter: new FakeStarter(), sink, pipelineOf: () => 'p' });
    c.load(saved);
    c.event({ id: 'k1', type: 'x', ts: 0, source: 't', data: {} });
    expect(sink.of('trigger.skipped')[0]?.['reason']).toMatch(/duplicate/);
    expect(b.stats.get('d')).toMatchObject({ count: 1, lastRunId: 'run-1' });
  });

  it('the last due time of a schedule comes back from the journal records', () => {
    const engine = new TriggerEngine({ rules: [rule({ name: 's', kind: 'schedule' })], starter: new FakeStarter(), sink: new Sink(), pipelineOf: () => 'p' });
    engine.restore([
      { type: 'trigger.fired', ts: 5, payload: { rule: 's', runId: 'r1', due: 1000 } },
      { type: 'trigger.skipped', ts: 6, payload: { rule: 's', due: 3000, reason: 'missed' } },
    ]);
    expect(engine.stats.get('s')).toMatchObject({ count: 1, lastDue: 3000, lastRunId: 'r1' });
  });
});
