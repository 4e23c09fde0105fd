import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../../src/bus/format.js';
import { render } from '../../../src/delivery/render.js';

function msg(from: string, text: string): ParsedMessage {
  return { id: '1700000000000-0001', from, to: 'sh', priority: 'normal', created: 0, flags: '', length: text.length, body: Buffer.from(text), text } as unknown as ParsedMessage;
}
const opts = { header: false as const, mode: 'full' as const, pasteMax: 16_384, fileFor: () => '/f' };

describe('what a plain shell agent receives', () => {
  it("miyabi's own tasks and notices go in as comments, every line, so bash runs none of the prose", () => {
    const task = 'task t1: write tests\n(when it is finished: miyabi done t1)';
    expect(render(msg('miyabi', task), { ...opts, shell: true }).text).toBe('# task t1: write tests\n# (when it is finished: miyabi done t1)');
  });
  it("a person's message to a shell is the command line they typed; other agents are unchanged", () => {
    expect(render(msg('conductor', 'make test'), { ...opts, shell: true }).text).toBe('make test');
    expect(render(msg('miyabi', 'task t1: x'), opts).text).toBe('task t1: x');
  });
});
