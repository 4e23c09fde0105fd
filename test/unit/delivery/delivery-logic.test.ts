import { describe, expect, it } from 'vitest';
// The delivery settings live in each CLI's one profile (agents/profiles/*.json) since the registries merged.
import { BUILTIN_DELIVERY as PROFILES, deliveryFor as profileFor } from '../../../src/agents/states/profiles.js';
import { headerFor, probeOf, render, shortId } from '../../../src/delivery/render.js';
import { typedText } from '../../../src/delivery/screen-cells.js';
import type { ParsedMessage } from '../../../src/bus/format.js';

const msg = (text: string, extra: Partial<ParsedMessage> = {}): ParsedMessage => ({
  id: '1760000000123456789.alice.000001.42',
  from: 'alice',
  to: 'bob',
  priority: 'normal',
  created: 0,
  flags: [],
  body: Buffer.from(text),
  text,
  ...extra,
});

describe('which profile a command gets', () => {
  it.each([
    [['claude'], 'claude'],
    [['/usr/local/bin/codex', '--yolo'], 'codex'],
    [['/bin/sh', '-c', 'aider --model x'], 'aider'],
    [['bash', '-l'], 'shell'],
    [['node', 'reader.mjs'], 'shell'],
  ])('%j → %s', (argv, name) => expect(profileFor(argv).name).toBe(name));

  it('a profile named in the layout wins', () => expect(profileFor(['bash'], 'claude').name).toBe('claude'));
});

describe('reading the input line', () => {
  it('drops dim placeholder text and the cursor cell before it', () => {
    const line = '❯\u00a0\x1b[7mP\x1b[27m\x1b[2mress up to edit queued messages\x1b[22m';
    expect(typedText(line)).toBe('❯\u00a0');
    expect(PROFILES.claude!.inputLine!.exec(typedText(line))?.groups?.input).toBe('');
  });

  it('keeps typed text, and sees it as input', () => {
    const line = '❯\u00a0fix the \x1b[1mbuild\x1b[0m';
    expect(typedText(line)).toBe('❯\u00a0fix the build');
    expect(PROFILES.claude!.inputLine!.exec(typedText(line))?.groups?.input).toBe('fix the build');
  });

  it.each([
    ['$', ''],
    ['user@host:~/src$ ls -la', 'ls -la'],
    ['> half typed', 'half typed'],
    ['>>> print(1)', 'print(1)'],
  ])('shell prompt %j holds %j', (line, input) => {
    expect(PROFILES.shell!.inputLine!.exec(line)?.groups?.input ?? '').toBe(input);
  });
});

describe('what is typed for a message', () => {
  it('puts the header before the text, with a short id that is stable', () => {
    expect(headerFor('[from {from} #{id}]', msg('x'))).toBe(`[from alice #${shortId(msg('x').id)}]`);
    expect(shortId(msg('x').id)).toMatch(/^[0-9a-f]{8}$/);
    expect(render(msg('hi'), { header: false, mode: 'full', pasteMax: 100, fileFor: () => '/f' }).text).toBe('hi');
  });

  it('sends a notice pointing at a file for long text or notice mode', () => {
    const long = render(msg('x'.repeat(200)), { header: false, mode: 'full', pasteMax: 100, fileFor: () => '/bus/f.txt' });
    expect(long).toEqual({ text: 'message of 200 bytes from alice: read /bus/f.txt', notice: true });
    expect(render(msg('short'), { header: false, mode: 'notice', pasteMax: 100, fileFor: () => '/f' }).notice).toBe(true);
  });

  it('probes the end of the last non-blank line, whitespace squeezed', () => {
    expect(probeOf('line one\nthe   last line\n\n')).toBe('the last line');
    expect(probeOf('x'.repeat(100))).toBe('x'.repeat(24));
    expect(probeOf('\n  \n')).toBe('');
  });
});

describe('commands hidden at the start of a message', () => {
  it('the claude profile knows a leading ! or /word is a command', () => {
    const re = PROFILES.claude!.commandStart!;
    expect(re.test('!rm -rf ~')).toBe(true);
    expect(re.test('/clear')).toBe(true);
    expect(re.test('please run /clear')).toBe(false);
    expect(PROFILES.shell!.commandStart).toBeUndefined();
  });
});
