import { defineConfig } from 'vitest/config';

/**
 * The agents suite (`npm run test:agents`): real agent CLIs (Claude Code, Codex) installed on
 * first use into a cache outside the repository (test/helpers/agents/install.ts), each run in a
 * private tmux server against a model server on 127.0.0.1. Not part of `npm test`: the files in
 * test/agents skip themselves unless MIYABI_AGENT_TESTS=1, which only this config sets.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['test/agents/**/*.test.ts'],
    env: { MIYABI_AGENT_TESTS: '1' },
    testTimeout: 60_000,
    // The first run installs Claude Code (~235 MB) in beforeAll.
    hookTimeout: 11 * 60_000,
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
  },
});
