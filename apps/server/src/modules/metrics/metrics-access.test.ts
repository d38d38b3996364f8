import { metricsRefusal } from './metrics-access.js';

const TOKEN = 'a-scrape-token-of-32-characters!';
const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({
  socket: { remoteAddress },
  headers,
});

describe('who may read GET /metrics', () => {
  it('lets a direct connection from this host in without a token (IPv4, IPv6, IPv4-mapped)', () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1'])
      expect(metricsRefusal(req(a), undefined)).toBeNull();
  });

  it('refuses a connection from another address, with a sentence naming METRICS_TOKEN', () => {
    expect(metricsRefusal(req('192.0.2.7'), undefined)).toMatch(/METRICS_TOKEN/);
    expect(metricsRefusal(req('10.0.0.1'), TOKEN)).toMatch(/Authorization: Bearer/);
  });

  it('does not take a forwarded address as local, and treats a proxied loopback connection as remote', () => {
    // what a remote scraper would try, and what a reverse proxy on this host sends for everyone
    expect(metricsRefusal(req('192.0.2.7', { 'x-forwarded-for': '127.0.0.1' }), undefined)).not.toBeNull();
    expect(metricsRefusal(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), undefined)).not.toBeNull();
    expect(metricsRefusal(req('127.0.0.1', { forwarded: 'for=203.0.113.9' }), undefined)).not.toBeNull();
    expect(metricsRefusal(req('::1', { 'x-real-ip': '203.0.113.9' }), undefined)).not.toBeNull();
  });

  it('lets any address in with the right bearer token when METRICS_TOKEN is set, and no other token', () => {
    expect(metricsRefusal(req('192.0.2.7', { authorization: `Bearer ${TOKEN}` }), TOKEN)).toBeNull();
    expect(
      metricsRefusal(
        req('127.0.0.1', { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.9' }),
        TOKEN,
      ),
    ).toBeNull();
    expect(metricsRefusal(req('192.0.2.7', { authorization: `Bearer ${TOKEN}x` }), TOKEN)).not.toBeNull();
    expect(metricsRefusal(req('192.0.2.7', { authorization: TOKEN }), TOKEN)).not.toBeNull();
    // no token configured: a bearer opens nothing
    expect(metricsRefusal(req('192.0.2.7', { authorization: 'Bearer ' }), undefined)).not.toBeNull();
  });
});
