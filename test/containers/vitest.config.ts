// The container tests (`npm run test:containers`): Kafka, Redis and the app in Docker containers the
// tests start themselves. Kept out of `npm test`, which runs against local processes.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/containers/**/*.spec.ts'],
    globalSetup: ['test/containers/docker-engine.ts'],
    // Each file starts a broker of its own; on two cores, one file at a time.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
