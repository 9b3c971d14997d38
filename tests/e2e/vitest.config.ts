import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/src/**/*.spec.ts'],
    // Each spec starts real processes; QEMU start-up alone takes seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
