import { defineConfig } from 'vitest/config';
import { LongFirstSequencer } from './test/helpers/long-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/log-check.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration files share one DynamoDB Local JVM, so run a couple of files at a time.
    maxWorkers: 2,
    sequence: { sequencer: LongFirstSequencer },
  },
});
