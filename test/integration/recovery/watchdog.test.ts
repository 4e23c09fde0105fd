import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive } from '../../../src/core/instance-lock.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { READER, received } from '../../helpers/readers.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

/**
 * The watchdog on a machine without systemd --user (as here): `doctor --install-watchdog` writes
 * crontab lines through a crontab command the test provides (MIYABI_CRONTAB, a script keeping
 * the table in a file). The test then does what cron would do after a reboot: runs the line.
 */
describe('the watchdog (doctor --install-watchdog)', () => {
  it('its crontab line brings a crashed project back (L3 from snapshot + journal), leaves one stopped with down, and uninstalls', async () => {
    p = makeProject();
    const fake = join(p.root, '.fake');
    mkdirSync(fake);
    const table = join(fake, 'table');
    const crontab = join(fake, 'crontab');
    writeFileSync(crontab, `#!/bin/sh\nif [ "$1" = -l ]; then [ -f '${table}' ] || { echo "no crontab for $USER" >&2; exit 1; }; cat '${table}'; else cat > '${table}'; fi\n`);
    chmodSync(crontab, 0o755);
    const env = { MIYABI_CRONTAB: crontab, MIYABI_SYSTEMCTL: join(fake, 'no-systemctl'), XDG_CONFIG_HOME: join(fake, 'config') };
    mkdirSync(join(p.root, 'rec'));
    p.write('l.yaml', `session: wd\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: r1\n        command: [node, ${JSON.stringify(READER)}, rec/r1.jsonl]\n`);
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);

    const before = await p.miyabi(['doctor', '--json'], { env });
    expect(JSON.parse(before.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ what: expect.stringContaining('no watchdog installed') })]));
    const inst = await p.miyabi(['doctor', '--install-watchdog'], { env });
    expect(inst.stdout, inst.stderr).toMatch(/^watchdog installed: crontab lines/);
    expect(inst.exitCode).toBe(0);
    const lines = readFileSync(table, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    // Checked for real: the lines are there, but no cron daemon runs here to read them.
    const doc = JSON.parse((await p.miyabi(['doctor', '--json'], { env })).stdout) as { level: string; what: string }[];
    expect(doc.find((c) => c.what.startsWith('watchdog'))).toMatchObject({ level: 'warn', what: expect.stringContaining('no cron daemon runs') });

    // A crash (as a reboot leaves it): the controller and the tmux server gone.
    const old = p.controllerPid()!;
    process.kill(-old, 'SIGKILL');
    p.tmux.tmux('kill-server');
    await until(() => !pidAlive(old), 'the controller gone');
    expect((await p.miyabi(['send', 'r1', 'sent while down'])).exitCode).toBe(0);
    // What cron runs, in cron's bare environment.
    const minute = lines.find((l) => l.startsWith('* * * * * '))!.slice('* * * * * '.length).replace(/\\%/g, '%');
    const tick = () => execa('/bin/sh', ['-c', minute], { env: { HOME: process.env.HOME ?? p!.root }, extendEnv: false, reject: false, timeout: 60_000 });
    const log = () => (existsSync(join(p!.root, '.miyabi', 'watchdog.log')) ? readFileSync(join(p!.root, '.miyabi', 'watchdog.log'), 'utf8') : '');
    const first = await tick();
    expect(first.exitCode, `${first.stdout}${first.stderr}${log()}`).toBe(0);
    expect(log()).toContain('starting it (miyabi up)');
    await until(() => p!.controllerPid() !== old && p!.controllerPid(), 'a new controller');
    await until(() => received(p!, 'r1').includes('sent while down'), 'the message sent while down', 20_000);
    expect((await p.miyabi(['status'])).stdout).toContain('r1');

    // Stopped on purpose: the next tick leaves it down.
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    expect((await tick()).exitCode).toBe(0);
    expect(readFileSync(join(p.root, '.miyabi', 'watchdog.log'), 'utf8')).toContain('left down');
    expect((await p.miyabi(['status'])).exitCode).not.toBe(0);

    expect((await p.miyabi(['doctor', '--uninstall-watchdog'], { env })).stdout).toContain('removed its crontab lines');
    expect(readFileSync(table, 'utf8')).toBe('');
    expect(existsSync(join(fake, 'config', 'systemd'))).toBe(false);
  }, 120_000);
});
