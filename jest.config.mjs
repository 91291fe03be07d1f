/** Jest runs TypeScript through SWC as native ESM (PGlite needs --experimental-vm-modules). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } }, module: { type: 'es6' } },
    ],
  },
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/tests/summary-reporter.cjs'],
};
