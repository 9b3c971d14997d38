import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/bad-input/**/*.spec.ts'],
    // Each graph case computes the Nx project graph from nothing.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
