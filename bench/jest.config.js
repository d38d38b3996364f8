import { preset } from '../jest.preset.js';
// The smoke run starts the platform from source in a child process (and, without DATABASE_URL,
// an embedded Postgres), which takes a while on a loaded machine.
export default preset(import.meta.dirname, { testTimeout: 120000 });
