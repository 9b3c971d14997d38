import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/affected/src/**/*.spec.ts'],
    // Each affected case computes the Nx project graph twice (seconds each).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
