import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    // The container tests have a run of their own: npm run test:containers.
    exclude: [...configDefaults.exclude, 'test/containers/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration files share one broker on two cores: run them one after another.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
