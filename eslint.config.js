// Lint: type-aware rules that catch real bugs (floating promises), and the import boundaries
// that keep the architecture honest: shared/ imports neither side, client/ never imports server/,
// and no server code but the realtime layer touches sockets.
import tseslint from 'typescript-eslint';

const boundary = (message, patterns) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'test-output/**', 'server/db/migrations/**', '**/*.cjs', '**/*.mjs', 'eslint.config.js'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-namespace': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: boundary('shared/ is used by both sides and must not import server/ or client/ code', ['**/server/**', '**/client/**', 'node:*']),
  },
  { files: ['client/**/*.ts', 'client/**/*.tsx'], rules: boundary('the client must not import server code', ['**/server/**', '**/seed/**']) },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/realtime/**', 'server/server.ts'],
    rules: boundary('services publish to the event bus (server/events/bus.ts); only server/realtime/ speaks Socket.IO', [
      'socket.io',
      '@socket.io/*',
      '**/realtime/*',
    ]),
  },
  { files: ['seed/**/*.ts'], rules: boundary('seed/ builds data from shared/ contracts only', ['**/server/**', '**/client/**']) },
);
