/**
 * `miyabi run <pipeline> [--var k=v]… [--wait]`, and `miyabi run --resume <run-id>`. For now the run
 * executes in this process (with --wait, or when no controller runs) and writes its events to its
 * own journal, `.miyabi/runs/<run-id>/journal/events.jsonl`; with a controller and no --wait it runs
 * in a detached `miyabi run --wait` of its own and this prints the run id. Ctrl-C or `miyabi cancel`
 * cancels (every running command's process group is killed). Exit 0 when the run succeeded.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { unwrapConfig } from '../../config/config-issue.js';
import { loadPipelineFile, resolvePipelineRef } from '../../config/load-pipeline.js';
import { loadSkills } from '../../config/load-skill.js';
import type { Pipeline } from '../../config/pipeline-schema.js';
import type { SkillRegistry } from '../../config/skill-schema.js';
import { MiyabiError } from '../../core/errors.js';
import { Journal } from '../../core/journal.js';
import { currentBranch } from '../../pipelines/branch.js';
import { killGroup } from '../../pipelines/process-group.js';
import { listRuns, newRunId, pgidTracker, pidAlive, readPgids, readRun, reportsDir, runDir, runsDir, writePid } from '../../pipelines/run-dir.js';
import { lockFile } from '../../core/file-lock.js';
import { formatMs } from '../../pipelines/reports.js';
import { PipelineRunner } from '../../pipelines/runner.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';
import { cancelRun } from './cancel.js';

export interface RunOptions extends GlobalOptions {
  pipeline?: string;
  var?: string[];
  wait?: boolean;
  resume?: string;
  runId?: string;
}

export function parseVars(list: readonly string[] = []): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new MiyabiError('USAGE', `--var ${JSON.stringify(kv)}: expected NAME=VALUE`);
    vars[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return vars;
}

function loadAll(root: string, ref: string): { pipeline: Pipeline; skills: SkillRegistry } {
  const skills = unwrapConfig(loadSkills({ projectRoot: root }), 'fix the skills (miyabi validate lists every problem)');
  const file = unwrapConfig(resolvePipelineRef(ref, root));
  const pipeline = unwrapConfig(loadPipelineFile(file, { skills }), 'fix the pipeline (miyabi validate lists every problem)');
  return { pipeline, skills };
}

/** What a second run of the same pipeline does while one runs (the pipeline's `concurrency`). */
async function awaitTurn(root: string, p: Pipeline): Promise<boolean> {
  const live = () => listRuns(root).filter((r) => r.pipeline === p.name && r.status === 'running');
  const first = live();
  if (first.length === 0) return true;
  const ids = first.map((r) => r.runId).join(', ');
  if (p.concurrency === 'skip') {
    process.stderr.write(`miyabi: skipped: ${ids} of ${p.name} is still running (concurrency: skip)\n`);
    return false;
  }
  if (p.concurrency === 'cancel') {
    process.stderr.write(`miyabi: cancelling ${ids} (concurrency: cancel)\n`);
    for (const r of first) await cancelRun(r.dir);
    return true;
  }
  process.stderr.write(`miyabi: waiting for ${ids} to finish (concurrency: queue)\n`);
  while (live().length > 0) await new Promise((r) => setTimeout(r, 200));
  return true;
}

function printProgress(journal: Journal): void {
  journal.onAppend((rec) => {
    const p = rec.payload as Record<string, unknown>;
    if (rec.type === 'stage.finished') {
      const extra = p['error'] ?? p['reason'];
      process.stdout.write(`${String(p['stage'])}: ${String(p['outcome'])} (${formatMs(p['durationMs'] as number)}${Number(p['attempts']) > 1 ? `, ${String(p['attempts'])} tries` : ''})${extra ? ` — ${String(extra)}` : ''}\n`);
    } else if (rec.type === 'stage.retry') {
      process.stdout.write(`${String(p['stage'])}: try ${String(p['attempt'])} failed, retrying in ${formatMs(p['delayMs'] as number)}: ${String(p['error'])}\n`);
    } else if (rec.type === 'stage.escalated') {
      process.stdout.write(`${String(p['stage'])}: escalated after ${String(p['attempts'])} tries\n`);
    }
  });
}

async function runHere(
  root: string,
  runId: string,
  pipeline: Pipeline,
  skills: SkillRegistry,
  vars: Record<string, string>,
  resume: boolean,
  onStarted: () => void = () => undefined,
): Promise<number> {
  const dir = runDir(root, runId);
  writePid(dir);
  const journal = Journal.open(dir, { fsync: 'group' });
  printProgress(journal);
  const runner = new PipelineRunner({
    journal, pipeline, skills, runId, root, runDir: dir, reportsDir: reportsDir(root), vars,
    branch: vars['branch'] ?? currentBranch(root), onProcessGroup: pgidTracker(dir),
  });
  const stop = (sig: string) => runner.cancel(`cancelled (${sig})`);
  process.on('SIGINT', stop).on('SIGTERM', stop).on('SIGHUP', stop);
  try {
    if (!resume) process.stdout.write(`run ${runId} (${pipeline.name}); logs: miyabi logs ${runId}\n`);
    const running = resume ? runner.resume() : runner.start();
    // start() journals run.started before its first await: from here the run is visible.
    onStarted();
    const st = await running;
    process.stdout.write(`run ${runId}: ${st.outcome ?? 'unknown'} in ${formatMs(st.durationMs)}${st.reason ? ` — ${st.reason}` : ''}\n`);
    return st.outcome === 'succeeded' ? 0 : 1;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop).off('SIGHUP', stop);
    journal.close();
  }
}

export async function run(o: RunOptions): Promise<number> {
  const { paths } = cliContext(o);
  const root = paths.root;
  if (o.resume !== undefined) {
    const dir = runDir(root, o.resume);
    const prev = readRun(dir);
    if (prev === null) throw new MiyabiError('NOT_FOUND', `no run ${JSON.stringify(o.resume)} in ${path.dirname(dir)}`, { hint: 'miyabi runs lists them' });
    if (prev.status === 'running') throw new MiyabiError('USAGE', `run ${o.resume} is still running (pid ${prev.pid})`);
    const { pipeline, skills } = loadAll(root, prev.source);
    // Two resumes of one run would both run its remaining stages: one at a time.
    const release = await lockFile(path.join(dir, 'resume.lock'), Date.now());
    if (!release) throw new MiyabiError('USAGE', `run ${o.resume} is being resumed already`);
    try {
      if (readRun(dir)?.status === 'running') throw new MiyabiError('USAGE', `run ${o.resume} is running again already`);
      // Commands the dead runner left behind go first: the stage they belonged to runs again.
      for (const g of readPgids(dir)) killGroup(g, 'SIGKILL');
      return await runHere(root, o.resume, pipeline, skills, prev.vars, true);
    } finally {
      release();
    }
  }
  if (o.pipeline === undefined) throw new MiyabiError('USAGE', 'which pipeline? miyabi run <pipeline>', { hint: 'miyabi validate lists the pipelines it checks' });
  const vars = parseVars(o.var);
  const { pipeline, skills } = loadAll(root, o.pipeline);
  const runId = o.runId ?? newRunId(pipeline.name);
  if (!o.wait) {
    const client = await tryConnect(paths, 300);
    if (client) {
      client.close();
      const dir = runDir(root, runId);
      writePid(dir, 0);
      const out = openSync(path.join(dir, 'runner.log'), 'a');
      // The child runs in the project root: hand it the pipeline as resolved here.
      const args = [process.argv[1] ?? 'miyabi', 'run', pipeline.source, '--wait', '--run-id', runId, ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}=${v}`])];
      const child = spawn(process.execPath, args, { cwd: root, detached: true, stdio: ['ignore', out, out] });
      child.unref();
      process.stdout.write(`${runId}\n`);
      return 0;
    }
  }
  // From the look at what runs to this run's start in its journal, one run of a pipeline at a
  // time: otherwise two waiting runs could both see none running and start together.
  mkdirSync(runsDir(root), { recursive: true, mode: 0o700 });
  const release = await lockFile(path.join(runsDir(root), `.start-${pipeline.name}.lock`));
  let started: (() => void) | null = release;
  try {
    if (!(await awaitTurn(root, pipeline))) return 0;
    return await runHere(root, runId, pipeline, skills, vars, false, () => {
      started?.();
      started = null;
    });
  } finally {
    started?.();
  }
}

export { pidAlive };
