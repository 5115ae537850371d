// The vitest configuration every package shares: tests import sibling
// packages from their TypeScript sources (the "source" export condition), so
// nothing needs building before `test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
