import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    // The server specs start the real router built for the host.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
