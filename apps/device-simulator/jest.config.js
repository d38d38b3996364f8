import { preset } from '../../jest.preset.js';
// The medium test starts the simulator as a child process (as a user runs it), which takes a moment.
export default preset(import.meta.dirname, { testTimeout: 40000 });
