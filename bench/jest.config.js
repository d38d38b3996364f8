import { preset } from '../jest.preset.js';
// The smoke run starts the platform from source in a child process (and, without DATABASE_URL,
// an embedded Postgres), which takes a while on a loaded machine.
// bench/ sits one level below the root (the preset's mapping assumes two): the libraries from source.
export default preset(import.meta.dirname, {
  testTimeout: 120000,
  moduleNameMapper: {
    '^@bridgeboard/(contracts|sandbox)$': '<rootDir>/../libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
});
