import { afterEach, describe, expect, it } from 'vitest';
import { writeMessage } from '../../../src/bus/writer.js';
import { openDoor, RUN, type Door } from './agent-port-fixture.js';

let door: Door;
afterEach(() => door?.close());

describe('agent door: communicate and recover', () => {
  it('relay-messages reports what waits in each inbox', async () => {
    door = openDoor();
    writeMessage(door.bus, { from: 'a2', to: 'a1', text: 'hello' });
    writeMessage(door.bus, { from: 'a2', to: 'a1', text: 'again' });
    expect(JSON.parse(await door.port.builtin('relay-messages', door.req()))).toEqual({
      waiting: 2, inboxes: { a1: { waiting: 2, delivered: 0 }, a2: { waiting: 0, delivered: 0 } },
    });
  });

  it('assess-damage names dead and unresponsive agents', async () => {
    door = openDoor(['a1', 'a2', 'a3']);
    door.panes[0]!.alive = false;
    door.states.set('a1', { state: 'dead', reason: "pane's process exited (exit status 3)" });
    door.states.set('a3', { state: 'unresponsive', reason: 'busy, no output and no heartbeat for 600 s' });
    const out = JSON.parse(await door.port.builtin('assess-damage', door.req()));
    expect(out).toEqual({
      agents: 3,
      damaged: [
        { name: 'a1', paneId: '%1', state: 'dead', reason: "pane's process exited (exit status 3)" },
        { name: 'a3', paneId: '%3', state: 'unresponsive', reason: 'busy, no output and no heartbeat for 600 s' },
      ],
      healthy: ['a2'],
    });
    expect(door.records('pipeline.damage')[0]).toMatchObject({ runId: RUN, agents: 3 });
  });

  it('restore-agent respawns what was assessed (-k for a live hung one) and journals each', async () => {
    door = openDoor(['a1', 'a2', 'a3']);
    door.panes[0]!.alive = false;
    door.states.set('a3', { state: 'unresponsive', reason: 'silent' });
    await door.port.builtin('assess-damage', door.req());
    const out = await door.port.builtin('restore-agent', door.req());
    expect(door.respawned).toEqual([{ paneId: '%1', kill: false }, { paneId: '%3', kill: true }]);
    expect(out).toBe([
      "restored a1 (was dead: the pane's process exited) with respawn-pane of pane %1",
      'restored a3 (was unresponsive: silent) with respawn-pane -k of pane %3',
    ].join('\n'));
    expect(door.records('pipeline.agent-restored').map((r) => [r['agent'], r['how']])).toEqual([['a1', 'respawn-pane'], ['a3', 'respawn-pane -k']]);
  });

  it('restore-agent says so when there is nothing to restore', async () => {
    door = openDoor();
    expect(await door.port.builtin('restore-agent', door.req())).toBe('nothing to restore: 2 agent(s), none dead or unresponsive');
    expect(door.respawned).toEqual([]);
  });

  it('restore-agent skips an agent that came back by itself since the assessment', async () => {
    door = openDoor();
    door.panes[1]!.alive = false;
    await door.port.builtin('assess-damage', door.req());
    door.panes[1]!.alive = true;
    expect(await door.port.builtin('restore-agent', door.req())).toBe('a2 recovered on its own (now idle (quiet for 3 s))');
    expect(door.respawned).toEqual([]);
  });

  it('restore-agent fails, naming the pane, when the pane stays dead', async () => {
    door = openDoor();
    door.panes[0]!.alive = false;
    door.respawnImpl = () => undefined;
    await expect(door.port.builtin('restore-agent', door.req())).rejects.toMatchObject({
      permanent: false, message: 'restore-agent: could not restore a1 (pane %1) is still dead after respawn-pane',
    });
    expect(door.records('pipeline.agent-restored')).toEqual([]);
  });

  it('restore-agent reports a failed respawn-pane', async () => {
    door = openDoor();
    door.panes[1]!.alive = false;
    door.respawnImpl = () => {
      throw new Error("can't find pane: %2");
    };
    await expect(door.port.builtin('restore-agent', door.req())).rejects.toThrow("restore-agent: could not restore a2 (pane %2): respawn-pane failed: can't find pane: %2");
  });
});
