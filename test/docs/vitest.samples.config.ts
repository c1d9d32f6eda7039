// Runs the test files written out of the docs (test/docs/.samples/**/*.test-sample.ts).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: { include: ['test/docs/.samples/**/*.test-sample.ts'], testTimeout: 60_000, pool: 'forks' },
})
