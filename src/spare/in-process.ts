/**
 * The controller a spare becomes: `up` (cli/up-build.ts) hands the session to it as to a spawned
 * one (cli/start-controller.ts watchController), through the same steps (session/handover.ts), but
 * in this process: the lock is passed from this pid to itself, and the answer is a promise.
 */
import { errorFromJSON } from '../core/errors.js';
import type { ProjectPaths } from '../core/paths.js';
import type { StatusResult } from '../ipc/protocol.js';
import type { Io } from '../cli/io.js';
import type { StartingController } from '../cli/start-controller.js';
import { runController } from '../controller/run.js';
import { localChannel } from '../session/handover.js';
import { spawnSpare } from './spawn.js';

export interface InProcessOptions {
  paths: ProjectPaths;
  tmuxSocket: string;
  layout?: string | undefined;
  io: Io;
  /** performance.now() when the request came. */
  origin: number;
  /** Resolves once the thin `up` has its answer: what a controller does after telling its starter waits for it. */
  told: Promise<void>;
  /** Ends the process: the spare sends its answer first. */
  exit(code: number): void;
}

export function inProcessController(o: InProcessOptions): StartingController {
  const channel = localChannel();
  let done = false;
  let answer!: (m: StatusResult | Error) => void;
  const started = new Promise<StatusResult>((resolve, reject) => {
    answer = (m) => (m instanceof Error ? reject(m) : resolve(m));
  });
  void runController({
    root: o.paths.root,
    tmuxSocket: o.tmuxSocket,
    layout: o.layout,
    supervise: process.env.MIYABI_SUPERVISE !== '0',
    supervised: false,
    up: { channel: channel.next, pid: process.pid },
    origin: o.origin,
    // Its supervisor's node start and its parts' load come after the thin `up` has its answer, as
    // they come after a spawned controller's message to its `up` (controller/main.ts): not beside it.
    tellStarter: async (msg) => {
      done = true;
      if (!msg.ok) answer(errorFromJSON(msg.error));
      else {
        for (const w of msg.warnings ?? []) o.io.err(`${w}\n`);
        answer(msg.status);
      }
      await o.told;
    },
    onAnswered: () => spawnSpare(process.env),
    exit: o.exit,
  });
  return {
    pid: process.pid,
    started,
    tell: (m) => {
      if (done) return false;
      channel.send(m);
      return true;
    },
    // Untold, it holds nothing: a closed channel ends its start, and it answers why.
    drop: async () => {
      channel.close();
      await started.catch(() => undefined);
    },
    get done() {
      return done;
    },
  };
}
