import { flat } from './screen.js';

const KEEP_MS = 60_000;
const KEEP_N = 32;

/**
 * Prompts each agent's own hook said it took (Claude Code's and Codex's UserPromptSubmit carry
 * the text): no screen is stronger proof that a message was submitted.
 */
export class HookPrompts {
  private readonly seen = new Map<string, { at: number; text: string }[]>();

  add(agent: string, prompt: string, now = Date.now()): void {
    const list = (this.seen.get(agent) ?? []).filter((p) => now - p.at < KEEP_MS).slice(-(KEEP_N - 1));
    list.push({ at: now, text: flat(prompt) });
    this.seen.set(agent, list);
  }

  /** A prompt taken since `since` holds the probe. */
  saw(agent: string, probe: string, since: number): boolean {
    const want = flat(probe);
    if (want === '') return false;
    return (this.seen.get(agent) ?? []).some((p) => p.at >= since && p.text.includes(want));
  }
}
