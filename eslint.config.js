// Lint rules. The one that matters most: only the Electron shell may import `electron`,
// because in plain Node (the CLI, `lifeboat serve`, tests) importing it tries to download
// the binary and throws.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronOnlyInShell = {
  paths: [{ name: 'electron', message: 'Only src-main/app, preload, ipc and index.ts may import electron.' }],
  patterns: [{ group: ['electron/*'], message: 'Only src-main/app, preload, ipc and index.ts may import electron.' }],
};

export default tseslint.config(
  // .vue files are type-checked by vue-tsc (npm test runs it); ESLint has no Vue parser here.
  { ignores: ['node_modules/**', 'out/**', 'release/**', 'plugins/*/dist/**', 'src-renderer/**/*.vue'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly',
        AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly',
        ReadableStream: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly', structuredClone: 'readonly',
        window: 'readonly', document: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', electronOnlyInShell],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src-main/app/**', 'src-main/preload/**', 'src-main/ipc/**', 'src-main/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['eslint.config.js', '**/*.config.{js,ts,mjs}'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
