import net from 'node:net';
import { MAX_POINTS_PER_QUERY } from '@bridgeboard/contracts';
import { bearer, startTestPlatform, type TestPlatform } from '../helpers.js';
import { SecurityReport } from './report.js';

// Issue 14, findings 4 and 7: the history query without keys, and the small ones.
const report = new SecurityReport('hardening: query caps, sort, JSON depth, NUL, slow requests, passwords, last sysadmin');
afterAll(() => report.print());

const rnd = () => Math.random().toString(36).slice(2, 8);

describe('hardening of the REST edge', () => {
  let p: TestPlatform;
  let auth: Record<string, string>;
  let sys: Record<string, string>;
  beforeAll(async () => {
    p = await startTestPlatform({ HTTP_REQUEST_TIMEOUT_SEC: '2', HTTP_HEADERS_TIMEOUT_SEC: '1' });
    auth = bearer(p.tenantToken);
    sys = bearer(p.sysadminToken);
  });
  afterAll(async () => {
    await p.stop();
  });

  const device = async (name = `H-${rnd()}`) => (await p.http().post('/api/device').set(auth).send({ name, type: 'sensor' })).body.id.id as string;

  it('checks the history caps on the device keys when the query names none', async () => {
    const id = await device();
    const values = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    expect((await p.http().post(`/api/plugins/telemetry/DEVICE/${id}/timeseries/ANY`).set(auth).send({ ts: 1000, values })).status).toBe(200);
    const url = `/api/plugins/telemetry/DEVICE/${id}/values/timeseries?startTs=0&endTs=${Date.now()}`;
    const big = await p.http().get(`${url}&limit=100000`).set(auth);
    expect(big.status).toBe(400);
    expect(big.body.message).toBe(
      `Without keys the query asks for all 20 time series keys of this device: 20 keys × limit 100000 = 2000000 values, more than the ${MAX_POINTS_PER_QUERY} one query may return; name the keys you need (keys=a,b) or lower the limit`,
    );
    const ok = await p.http().get(`${url}&limit=50000`).set(auth);
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body)).toHaveLength(20);
    report.checked(`history without keys on a device with 20 keys, limit 100000 → 400 "${big.body.message}"; limit 50000 → 200 with 20 keys`);

    const many = await device();
    for (let part = 0; part < 5; part++) {
      const vals = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`m${part}_${i}`, i]));
      await p.http().post(`/api/plugins/telemetry/DEVICE/${many}/timeseries/ANY`).set(auth).send({ ts: 1000, values: vals });
    }
    const wide = await p.http().get(`/api/plugins/telemetry/DEVICE/${many}/values/timeseries?startTs=0&endTs=${Date.now()}&limit=1`).set(auth);
    expect(wide.status).toBe(400);
    expect(wide.body.message).toMatch(/^Without keys the query asks for all 105 time series keys of this device, more than the 100 keys/);
    report.checked(`history without keys on a device with 105 keys → 400 "${wide.body.message}"`);
  });

  it('falls back to the default order for unknown sort properties on every paged list', async () => {
    const d = await device();
    const lists = [
      ['/api/tenant/devices', auth],
      ['/api/converters', auth],
      ['/api/integrations', auth],
      ['/api/ruleChains', auth],
      ['/api/tenant/dashboards', auth],
      [`/api/rpc/persistent/device/${d}`, auth],
      ['/api/tenants', sys],
    ] as const;
    for (const [path, who] of lists) {
      const plain = await p.http().get(`${path}?pageSize=50&page=0`).set(who);
      expect(plain.status).toBe(200);
      for (const prop of ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'noSuchColumn']) {
        const r = await p.http().get(`${path}?pageSize=50&page=0&sortProperty=${prop}`).set(who);
        expect([path, prop, r.status]).toEqual([path, prop, 200]);
        expect(r.body.data).toEqual(plain.body.data);
      }
    }
    report.checked(`sortProperty=constructor|toString|__proto__|valueOf|hasOwnProperty|noSuchColumn on ${lists.length} lists → 200 in the default order`);
  });

  it('refuses JSON bodies nested 100,000 levels deep with 400 and a sentence', async () => {
    const d = await device();
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const routes: [string, Record<string, string>][] = [
      ['/api/device', auth],
      ['/api/dashboard', auth],
      ['/api/converter', auth],
      ['/api/integration', auth],
      ['/api/ruleChain', auth],
      ['/api/ruleChain/metadata', auth],
      [`/api/plugins/telemetry/DEVICE/${d}/timeseries/ANY`, auth],
      [`/api/plugins/telemetry/DEVICE/${d}/attributes/SERVER_SCOPE`, auth],
      [`/api/plugins/rpc/oneway/${d}`, auth],
      ['/api/import', auth],
      ['/api/tenant', sys],
      ['/api/user', sys],
    ];
    for (const [path, who] of routes) {
      const r = await p.http().post(path).set(who).set('Content-Type', 'application/json').send(deep);
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.body.message).toBe(
        `Request body is nested too deeply at '${'a.'.repeat(99)}a': at most 100 levels of objects and arrays (HTTP_MAX_JSON_DEPTH)`,
      );
    }
    const fine = { name: `Deep-${rnd()}`, type: 'sensor', additionalInfo: JSON.parse('{"a":'.repeat(50) + '1' + '}'.repeat(50)) };
    expect((await p.http().post('/api/device').set(auth).send(fine)).status).toBe(200);
    report.checked(`a body nested 100,000 levels on ${routes.length} endpoints → 400 "Request body is nested too deeply at '…': at most 100 levels …"; 50 levels → 200`);
  });

  it('refuses a NUL character in device, dashboard, converter, tenant and user names with 400', async () => {
    const cases: [string, Record<string, string>, Record<string, unknown>, string][] = [
      ['/api/device', auth, { name: 'bad\u0000name', type: 'sensor' }, 'name'],
      ['/api/dashboard', auth, { title: 'bad\u0000title' }, 'title'],
      ['/api/converter', auth, { name: 'bad\u0000conv', type: 'UPLINK', configuration: { scriptLang: 'JS', decoder: 'return {};' } }, 'name'],
      ['/api/tenant', sys, { title: 'bad\u0000tenant' }, 'title'],
      ['/api/user', sys, { email: 'x@example.com', authority: 'SYS_ADMIN', firstName: 'bad\u0000user' }, 'firstName'],
    ];
    for (const [path, who, body, field] of cases) {
      const r = await p.http().post(path).set(who).send(body);
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.body.message).toBe(`Request body field '${field}' contains a NUL character (\\u0000), which cannot be stored; remove it`);
    }
    const search = await p.http().get('/api/tenant/devices?pageSize=10&page=0&textSearch=a%00b').set(auth);
    expect(search.status).toBe(400);
    expect(search.body.message).toBe(`Query parameter 'textSearch' contains a NUL character (\\u0000), which cannot be stored; remove it`);
    const byName = await p.http().get('/api/tenant/devices?deviceName=SN%00').set(auth);
    expect(byName.status).toBe(400);
    report.checked(`a NUL in ${cases.length} names → 400 "Request body field 'name' contains a NUL character …"; in textSearch → 400 "${search.body.message}"`);
  });

  it('cuts off a request whose body trickles in, and one whose headers do', async () => {
    const port = p.port;
    const trickle = (head: string, bodyByte: string | null) =>
      new Promise<{ ms: number; reply: string }>((resolve) => {
        const t0 = Date.now();
        let reply = '';
        const c = net.connect(port, '127.0.0.1', () => {
          c.write(head);
          const iv = setInterval(() => bodyByte !== null && !c.destroyed && c.write(bodyByte), 1000);
          c.on('close', () => {
            clearInterval(iv);
            resolve({ ms: Date.now() - t0, reply });
          });
        });
        c.on('data', (d) => (reply += d.toString()));
        c.on('error', () => undefined);
      });
    const body = await trickle(
      `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      ' ',
    );
    expect(body.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(body.ms).toBeLessThan(4500);
    const headers = await trickle('POST /api/auth/login HTTP/1.1\r\nHost: x\r\n', null);
    expect(headers.ms).toBeLessThan(3500);
    report.checked(`a body trickling one byte a second → "${body.reply.split('\r\n')[0]}" after ${body.ms} ms (HTTP_REQUEST_TIMEOUT_SEC=2); headers never finished → closed after ${headers.ms} ms (HTTP_HEADERS_TIMEOUT_SEC=1)`);
  });

  it('refuses a password shorter than PASSWORD_MIN_LENGTH, while the first-start demo accounts still log in', async () => {
    const me = (await p.http().get('/api/auth/user').set(auth)).body;
    const u = await p.http().post('/api/user').set(sys).send({ email: `pw-${rnd()}@example.com`, authority: 'TENANT_ADMIN', tenantId: me.tenantId });
    const link: string = (await p.http().get(`/api/user/${u.body.id.id}/activationLink`).set(sys)).text;
    const activateToken = new URL(link, p.url).searchParams.get('activateToken');
    const short = await p.http().post('/api/noauth/activate').send({ activateToken, password: 'abcd' });
    expect(short.status).toBe(400);
    expect(short.body.message).toBe('The password must have at least 8 characters (PASSWORD_MIN_LENGTH)');
    expect((await p.http().post('/api/noauth/activate').send({ activateToken, password: 'abcdefgh' })).status).toBe(200);
    await p.login('tenant@example.com', 'tenant');
    await p.login('sysadmin@example.com', 'sysadmin');
    report.checked(`activation with a 4-character password → 400 "${short.body.message}"; 8 characters → 200; tenant/tenant and sysadmin/sysadmin still log in`);
  });

  it('keeps the last system administrator', async () => {
    const me = (await p.http().get('/api/auth/user').set(sys)).body;
    const self = await p.http().delete(`/api/user/${me.id.id}`).set(sys);
    expect(self.status).toBe(400);
    expect(self.body.message).toBe('This user is the last system administrator and cannot be deleted: create another system administrator first');
    const second = await p.http().post('/api/user').set(sys).send({ email: `admin-${rnd()}@example.com`, authority: 'SYS_ADMIN' });
    expect((await p.http().delete(`/api/user/${second.body.id.id}`).set(sys)).status).toBe(200);
    expect((await p.http().get('/api/tenants?pageSize=1&page=0').set(sys)).status).toBe(200);
    report.checked(`the only system administrator deleting itself → 400 "${self.body.message}"; with two, one may go`);
  });
});
