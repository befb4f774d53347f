import { defineConfig } from 'vitest/config';

// Integration and compat tests start real processes; a generous timeout keeps a slow 2-core CI machine green
// without hiding hangs forever.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
