import { ConfigError, loadConfig } from './config.js';
import { assertStrongKey } from '../modules/auth/jwt.service.js';

describe('configuration', () => {
  it('has a default for every key', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.EMBEDDED_BROKER).toBe(true);
    expect(c.EMBEDDED_BROKER_PORT).toBe(1883);
    expect(c.ADMIN_EMAIL).toBe('sysadmin@example.com');
  });

  it('refuses a wrong value with a sentence that names the key', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty" is not valid/);
    expect(() => loadConfig({ EMBEDDED_BROKER: 'maybe' })).toThrow(/EMBEDDED_BROKER/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });

  it('reads on/off switches', () => {
    expect(loadConfig({ EMBEDDED_BROKER: 'off' }).EMBEDDED_BROKER).toBe(false);
  });

  it('refuses a short or well-known JWT key', () => {
    expect(() => assertStrongKey('short')).toThrow(/too short/);
    expect(() => assertStrongKey('thingsboardDefaultSigningKey-padding-padding')).toThrow(/well-known/);
    expect(() => assertStrongKey('a'.repeat(40))).toThrow(/trivial/);
    expect(() => assertStrongKey('k3J9x-Qw7pL2-zR8vN4-mT6yB1-cH5dF0-gA')).not.toThrow();
  });
});

describe('README', () => {
  it('documents every configuration key', async () => {
    const { readFileSync } = await import('node:fs');
    const { configSchema } = await import('./config.js');
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const missing = Object.keys(configSchema.shape).filter((k) => !readme.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });
});
