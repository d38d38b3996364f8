import { DEFAULT_PREFIX, numberedNames, parseOptions, UsageError } from './options.js';
import { answerFor, parseCommandTopic } from './simulator.js';

function options(...argv: string[]) {
  const r = parseOptions(argv);
  if (r.help) throw new Error('expected options, got help');
  return r.options;
}

describe('simulator command line', () => {
  it('simulates SN-001 on the demo broker with the tutorial prefix when given no options', () => {
    expect(options()).toEqual({
      url: 'mqtt://localhost:1883',
      devices: ['SN-001'],
      rate: 1,
      prefix: DEFAULT_PREFIX,
      qos: 0,
      echoId: false,
      connectTimeoutSec: 5,
      username: undefined,
      password: undefined,
    });
  });

  it('accepts the "--" that pnpm passes through before the options', () => {
    expect(options('--', '--devices', '3').devices).toEqual(['SN-001', 'SN-002', 'SN-003']);
  });

  it('names numbered devices SN-001 … and widens the number past 999', () => {
    expect(numberedNames(12).at(-1)).toBe('SN-012');
    expect(numberedNames(1200).slice(0, 1).concat(numberedNames(1200).slice(-1))).toEqual([
      'SN-0001',
      'SN-1200',
    ]);
  });

  it('takes device names, rate, qos, prefix and --echo-id as given', () => {
    const o = options(
      '--names',
      'boiler-1, boiler-2',
      '--rate',
      '0.5',
      '--qos',
      '1',
      '--prefix',
      'site/a/',
      '--echo-id',
    );
    expect(o).toMatchObject({
      devices: ['boiler-1', 'boiler-2'],
      rate: 0.5,
      qos: 1,
      prefix: 'site/a',
      echoId: true,
    });
  });

  it('reads broker credentials from MQTT_USERNAME / MQTT_PASSWORD when not given as options', () => {
    const r = parseOptions([], { MQTT_USERNAME: 'u', MQTT_PASSWORD: 'p' });
    expect(r.help === false && r.options).toMatchObject({ username: 'u', password: 'p' });
  });

  it('returns help for --help and -h', () => {
    expect(parseOptions(['--help']).help).toBe(true);
    expect(parseOptions(['-h']).help).toBe(true);
  });

  it.each([
    [['--qos', '3'], '--qos must be 0, 1 or 2 (got "3").'],
    [['--rate=-1'], '--rate must be a number from 0 to 1000 (got "-1").'],
    [['--rate', 'fast'], '--rate must be a number from 0 to 1000 (got "fast").'],
    [['--devices', '0'], '--devices must be a whole number from 1 to 100000 (got "0").'],
    [['--devices', '2.5'], '--devices must be a whole number from 1 to 100000 (got "2.5").'],
    [['--devices', '2', '--names', 'a'], 'Use either --devices or --names, not both.'],
    [['--names', 'a/b'], '--names: "a/b" cannot be part of a topic; leave out "/", "+" and "#".'],
    [['--names', 'a,,b'], '--names needs a comma-separated list of names (got "a,,b").'],
    [['--names', 'a,a'], '--names lists a name twice ("a,a").'],
    [
      ['--url', 'localhost:1883'],
      '--url must look like mqtt://host:port, mqtts://, ws:// or wss:// (got "localhost:1883").',
    ],
    [['--url', 'nonsense'], '--url must look like mqtt://host:port (got "nonsense").'],
    [
      ['--prefix', 'tb/+/x'],
      `--prefix must be a topic without "+" or "#", like ${DEFAULT_PREFIX} (got "tb/+/x").`,
    ],
    [['--bogus'], "Unknown option '--bogus'. Run with --help to see the options."],
  ])('refuses %j with a sentence naming the option', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(new UsageError(message));
  });
});

describe('simulator commands', () => {
  it('recognises one-way and two-way command topics of a device under the prefix only', () => {
    expect(parseCommandTopic('p/q', 'p/q/SN-001/rx')).toEqual({ device: 'SN-001', twoWay: false });
    expect(parseCommandTopic('p/q', 'p/q/SN-001/rx/twoway')).toEqual({ device: 'SN-001', twoWay: true });
    expect(parseCommandTopic('p/q', 'p/q/SN-001/rx/response')).toBeNull();
    expect(parseCommandTopic('p/q', 'other/SN-001/rx')).toBeNull();
  });

  it('answers {"rpcReceived":"OK"} and adds the request id only with --echo-id', () => {
    expect(answerFor('{"value":36,"requestId":7}', false)).toEqual({ rpcReceived: 'OK' });
    expect(answerFor('{"value":36,"requestId":7}', true)).toEqual({ rpcReceived: 'OK', requestId: 7 });
    expect(answerFor('{"requestUUID":"a-b"}', true)).toEqual({ rpcReceived: 'OK', requestId: 'a-b' });
    expect(answerFor('{"id":"x"}', true)).toEqual({ rpcReceived: 'OK', requestId: 'x' });
    expect(answerFor('36', true)).toEqual({ rpcReceived: 'OK' });
    expect(answerFor('not json', true)).toEqual({ rpcReceived: 'OK' });
  });
});
