import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      'console/.generated/**',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: [
          './chaincode/tsconfig.json',
          './verifier/tsconfig.json',
          './gateway/tsconfig.json',
          './network/tsconfig.json',
          './scripts/tsconfig.json',
          './console/tsconfig.json',
          './tsconfig.test.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The offline verifier trusts no ledger: it must never reach for one (verifier/README.md).
    files: ['verifier/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@audit-ledger/chaincode',
              message:
                "Import '@audit-ledger/chaincode/dist/entry-format': the contract's runtime stays out.",
            },
          ],
          patterns: [
            {
              group: [
                '@audit-ledger/gateway*',
                '@hyperledger/fabric-gateway',
                'better-sqlite3',
                'express',
                'fabric-contract-api',
                'fabric-shim*',
              ],
              message: 'The verifier depends on no ledger adapter, gateway or contract runtime.',
            },
          ],
        },
      ],
    },
  },
  {
    // Services answer in their own terms (RequestError codes, plain values); how that reaches a
    // caller over HTTP is the routes' business, so the same services serve the outbox and the CLI.
    files: ['gateway/src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../http', '../http/*', 'express'],
              message: 'Services do not import the HTTP layer.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
