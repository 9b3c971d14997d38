import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/cache/**/*.spec.ts'],
    // Clone A builds every Rust crate, the router and the server cold.
    testTimeout: 75 * 60_000,
    hookTimeout: 10 * 60_000,
    fileParallelism: false,
  },
});
