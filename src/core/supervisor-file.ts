import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from './instance-lock.js';
import { writeFileNoFollow } from './no-follow.js';

/** Where a project's controller supervisor writes its pid (`.miyabi/run/supervisor.pid`). */
export const supervisorFile = (runDir: string): string => join(runDir, 'supervisor.pid');

export function writeSupervisorPid(runDir: string, pid: number): void {
  writeFileNoFollow(supervisorFile(runDir), `${pid}\n`);
}

/**
 * The live supervisor's pid, or null. A pid is only trusted when the process is still a miyabi
 * supervisor (its command line says so): a pid left in the file may belong to another program now.
 */
export function liveSupervisor(runDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(supervisorFile(runDir), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !pidAlive(pid)) return null;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('supervisor')) return null;
  } catch {
    // no /proc (macOS): the pid and its liveness are all there is
  }
  return pid;
}

export function removeSupervisorPid(runDir: string, pid: number): void {
  try {
    if (Number(readFileSync(supervisorFile(runDir), 'utf8').trim()) === pid) rmSync(supervisorFile(runDir), { force: true });
  } catch {
    // already gone
  }
}
