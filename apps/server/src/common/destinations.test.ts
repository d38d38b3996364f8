import { DestinationPolicy, parseDenyList } from './destinations.js';

describe('INTEGRATION_DENY_HOSTS', () => {
  const policy = new DestinationPolicy('169.254.0.0/16, 127.0.0.0/8:8080, [fe80::]/10, metadata.internal, 10.1.2.3:1883, ::1');

  it.each([
    ['169.254.169.254', 1883, true],
    ['::ffff:169.254.169.254', 1883, true],
    ['127.0.0.1', 8080, true],
    ['127.0.0.1', 1883, false],
    ['fe80::1', 1883, true],
    ['METADATA.internal', 80, true],
    ['10.1.2.3', 1883, true],
    ['10.1.2.3', 8883, false],
    ['::1', 1, true],
    ['8.8.8.8', 1883, false],
  ])('%s:%d refused: %s', async (host, port, refused) => {
    const r = await policy.resolve(host, port).then(
      () => false,
      (e: Error) => (expect(e.message).toBe(`destination ${host}:${port} is not allowed on this platform (the system administrator's INTEGRATION_DENY_HOSTS)`), true),
    );
    expect(r).toBe(refused);
  });

  it('checks what a name resolves to', async () => {
    await expect(new DestinationPolicy('127.0.0.0/8').resolve('localhost', 1883)).rejects.toThrow(/not allowed/);
    expect(await new DestinationPolicy('').resolve('127.0.0.1', 1883)).toBe('127.0.0.1');
  });

  it.each([
    ['10.0.0.0/40', "'10.0.0.0/40': prefix /40 is too long for ipv4"],
    ['host/8', "'host/8': a range needs an IP address"],
    ['10.0.0.1:70000', "'10.0.0.1:70000': port must be between 1 and 65535"],
    ['a b', "'a b' is not an IP address, CIDR range or host name with an optional :port"],
  ])('names a bad entry: %s', (spec, message) => {
    expect(() => parseDenyList(spec)).toThrow(message);
  });
});
