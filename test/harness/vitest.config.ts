// The harness's own tests (`npm run test:harness`): the local broker and Redis, and the clusters and
// Sentinel set-ups that test/support/ starts, tried with no flowwatch logic in the way. No product
// change can fail them, so they are kept out of `npm test`; CI runs them after it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/harness/**/*.spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Each file starts clusters of its own, heavy on two cores: one file at a time.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
