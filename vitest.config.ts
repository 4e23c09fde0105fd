import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    // Real agent CLIs run in their own suite (npm run test:agents, vitest.agents.config.ts).
    exclude: ['test/agents/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two cores here: more workers only fight over tmux servers and git.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
