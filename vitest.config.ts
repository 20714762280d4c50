import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    // The container tests have a run of their own (npm run test:containers), and so have the tests of
    // the test harness itself, which no product change can fail (npm run test:harness).
    exclude: [...configDefaults.exclude, 'test/containers/**', 'test/harness/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Two files at a time. An integration file spends most of its time waiting for the processes it
    // starts (a failover, a group's rebalance, a paced producer), and each test owns its topic, group
    // and key prefix, so two files share the broker and Redis without meeting. More would starve the
    // brokers' JVMs on two cores. The longest files start first (vitest keeps their last durations).
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
