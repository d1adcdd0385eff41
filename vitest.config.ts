import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI end-to-end tests spawn node processes; keep the pool small enough for a 2-core CI box.
    testTimeout: 30_000,
    // A real PostgreSQL server for the shared-state tests, started once per run.
    globalSetup: ['test/postgres-global-setup.ts'],
  },
});
