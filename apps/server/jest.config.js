import { preset } from '../../jest.preset.js';
// Medium tests need Postgres and an MQTT broker: globalSetup uses DATABASE_URL / MQTT_URL
// when set, and starts embedded ones otherwise.
export default preset(import.meta.dirname, {
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 30000,
  maxWorkers: 2,
});
