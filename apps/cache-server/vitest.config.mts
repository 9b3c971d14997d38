import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    // The S3 specs build and start a real S3-compatible server once.
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
