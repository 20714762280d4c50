import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    // The container tests have a run of their own (npm run test:containers), and so have the tests of
    // the test harness itself, which no product change can fail (npm run test:harness).
    exclude: [...configDefaults.exclude, 'test/containers/**', 'test/harness/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration files share one broker on two cores: run them one after another.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
