import { mqttConfigurationSchema, topicFilterProblem, type MqttConfiguration } from '@bridgeboard/contracts';
import { splitSecrets } from './integration.service.js';
import { describeError } from './runtime/connection-errors.js';

const cfg = (credentials: Record<string, unknown>): MqttConfiguration =>
  ({
    clientConfiguration: { host: 'h', port: 1883, cleanSession: false, retainedMessage: false, ssl: false, connectTimeoutSec: 10, maxBytesInMessage: 100, credentials },
    topicFilters: [{ filter: 'a/#', qos: 0 }],
    downlinkTopicPattern: '${topic}',
    metadata: {},
  }) as MqttConfiguration;

describe('topic filter rules', () => {
  it.each([
    ['tb/mqtt-integration-tutorial/sensors/+/temperature', null],
    ['#', null],
    ['a/+/#', null],
    ['+', null],
    ['a/#/b', "'#' must be a whole level and the last one (level 2 is '#')"],
    ['a/b#', "'#' must be a whole level and the last one (level 2 is 'b#')"],
    ['a/b+', "'+' must fill a whole level (level 2 is 'b+')"],
    ['', 'must not be empty'],
    ['bridgeboard/heartbeat/#', "must not start with 'bridgeboard/': the platform reserves those topics for itself"],
    ['bridgeboard', "must not start with 'bridgeboard/': the platform reserves those topics for itself"],
    ['+/heartbeat/#', null],
  ])('%s → %s', (filter, problem) => {
    expect(topicFilterProblem(filter)).toBe(problem);
  });
});

describe('write-only secrets', () => {
  it('takes secrets out of the configuration and keeps stored ones when an update omits them', () => {
    const first = splitSecrets(cfg({ type: 'basic', username: 'u', password: 'pw' }), {});
    expect(first.configuration.clientConfiguration.credentials).toEqual({ type: 'basic', username: 'u' });
    expect(first.secrets).toEqual({ password: 'pw' });
    expect(splitSecrets(cfg({ type: 'basic', username: 'u2' }), first.secrets).secrets).toEqual({ password: 'pw' });
    expect(splitSecrets(cfg({ type: 'basic', username: 'u', password: 'new' }), first.secrets).secrets).toEqual({ password: 'new' });
  });

  it('drops secrets that the new credential type does not use', () => {
    const pem = splitSecrets(cfg({ type: 'cert.PEM', caCert: 'CA', cert: 'C', privateKey: 'K', privateKeyPassword: 'P' }), { password: 'old' });
    expect(pem.secrets).toEqual({ privateKey: 'K', privateKeyPassword: 'P' });
    expect(pem.configuration.clientConfiguration.credentials).toEqual({ type: 'cert.PEM', caCert: 'CA', cert: 'C' });
    expect(splitSecrets(cfg({ type: 'anonymous' }), pem.secrets).secrets).toEqual({});
  });
});

describe('connection error texts', () => {
  const s = { host: 'broker.example', port: 1883, connectTimeoutMs: 5000 };
  it.each([
    [{ code: 4, message: 'Connection refused: Bad username or password' }, 'wrong username or password (the broker refused the credentials)'],
    [{ code: 5, message: 'Connection refused: Not authorized' }, 'not authorized by the broker (check the credentials or client id)'],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' }, "host 'broker.example' not found (check the host name)"],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'connection refused by broker.example:1883 (is the broker running on that port?)'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'TLS failure: self-signed certificate'],
    [{ message: 'connack timeout' }, 'no answer from broker.example:1883 within 5 s'],
  ])('%j → %s', (e, text) => {
    expect(describeError(Object.assign(new Error(e.message), e), s)).toBe(text);
  });
});

describe('connection fields', () => {
  const valid = { clientConfiguration: { host: 'broker', port: 1883 }, topicFilters: [{ filter: 'a/#', qos: 0 }] };
  it.each([
    ['host', { host: 'broker\r\nFLUSHALL' }, 'clientConfiguration.host'],
    ['client id', { clientId: 'id\nSET pwned 1' }, 'clientConfiguration.clientId'],
    ['username', { credentials: { type: 'basic', username: 'u\r\n', password: 'p' } }, 'clientConfiguration.credentials.username'],
    ['password', { credentials: { type: 'basic', username: 'u', password: 'p\u0000x' } }, 'clientConfiguration.credentials.password'],
  ])('refuses control characters in the %s', (what, change, path) => {
    const r = mqttConfigurationSchema.safeParse({ ...valid, clientConfiguration: { ...valid.clientConfiguration, ...change } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path.join('.')).toBe(path);
    expect(r.error!.issues[0]!.message).toBe(`${what} must not contain control characters (CR, LF, TAB, NUL, …)`);
  });

  it('takes ordinary values, and trims a trailing newline off the host', () => {
    const r = mqttConfigurationSchema.parse({ ...valid, clientConfiguration: { host: 'broker.example\n', clientId: 'bb-1', credentials: { type: 'basic', username: 'ü-ser', password: 'p@ss w0rd' } } });
    expect(r.clientConfiguration.host).toBe('broker.example');
  });
});
