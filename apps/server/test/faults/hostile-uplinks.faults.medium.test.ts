import { bearer, eventually, startTestPlatform, type TestPlatform } from '../helpers.js';
import {
  countPoints,
  createConverter,
  createIntegration,
  deviceByName,
  publisher,
  rnd,
  waitStatus,
} from '../../src/modules/integrations/test-kit.js';
import { errorEvents, report, statusOf } from './fault-kit.js';

// A decoder written the way users write them (the guide's style): parse JSON, name from the payload or the topic.
const DECODER = `var s = '';
for (var i = 0; i < payload.length; i++) s += String.fromCharCode(payload[i]);
var d = JSON.parse(s);
var name = d.name !== undefined ? d.name : metadata.topic.split('/').pop();
var values = d.values !== undefined ? d.values : { value: d.value };
return { deviceName: name, deviceType: 'hostile', telemetry: d.ts !== undefined ? { ts: d.ts, values: values } : values };`;

const nested = (depth: number) => `{"value":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
const manyKeys = () =>
  JSON.stringify({ values: Object.fromEntries(Array.from({ length: 10000 }, (_, i) => [`k${i}`, i])) });

/**
 * Documented outcome of each hostile uplink (docs/reliability.md mirrors this table).
 * error: an ERROR debug event whose text matches; stored: kept, and how. Every case has one or both:
 * error alone means dropped; both means kept as given and reported (timestamps that look wrong).
 */
interface Case {
  what: string;
  payload: Buffer;
  error?: RegExp;
  stored?: (p: TestPlatform, topicName: string) => Promise<boolean>;
}

const storedValue =
  (
    name: string,
    key: string,
    check: (row: {
      ts: string;
      long_v: string | null;
      dbl_v: number | null;
      str_v: string | null;
      json_v: unknown;
    }) => boolean,
  ) =>
  async (p: TestPlatform, topicName: string) => {
    const dev = await deviceByName(p, name || topicName);
    if (!dev) return false;
    const rows = await p.db.query<{
      ts: string;
      long_v: string | null;
      dbl_v: number | null;
      str_v: string | null;
      json_v: unknown;
    }>('SELECT ts, long_v, dbl_v, str_v, json_v FROM ts_kv_named WHERE entity_id = $1 AND key = $2', [
      dev.id.id,
      key,
    ]);
    return rows.length === 1 && check(rows[0]!);
  };

function cases(tag: string): Case[] {
  const sqlName = `x'); DROP TABLE device; -- ${tag}`;
  const htmlName = `<img src=x onerror=alert(1)>${tag}`;
  return [
    { what: 'not JSON', payload: Buffer.from('temperature=25.1'), error: /JSON|Unexpected token|not valid/i },
    {
      what: 'binary',
      payload: Buffer.from([0xff, 0x00, 0xfe, 0x81, 0x7f]),
      error: /JSON|Unexpected|not valid/i,
    },
    { what: 'empty', payload: Buffer.alloc(0), error: /JSON|Unexpected end|not valid/i },
    {
      what: '10 MB',
      payload: Buffer.alloc(10 * 2 ** 20, 0x61),
      error: /exceeds maxBytesInMessage \(262144\)/,
    },
    {
      what: 'deeply nested JSON (5,000 levels)',
      payload: Buffer.from(nested(5000)),
      error: /is nested too deeply/,
    },
    {
      what: 'NUL (\\u0000) in a string',
      payload: Buffer.from(JSON.stringify({ value: 'a\u0000b' })),
      error: /NUL character/,
    },
    {
      what: 'NaN literal (not JSON)',
      payload: Buffer.from('{"value": NaN}'),
      error: /JSON|Unexpected token|not valid/i,
    },
    { what: 'Infinity (1e999)', payload: Buffer.from('{"value": 1e999}'), error: /finite|Infinity/i },
    // kept as given (as ThingsBoard does: never lose data), and reported so the decoder can be fixed
    {
      what: 'timestamp in seconds',
      payload: Buffer.from(JSON.stringify({ value: 1, ts: 1_700_000_000 })),
      stored: storedValue('', 'value', (r) => Number(r.ts) === 1_700_000_000),
      error:
        /telemetry\.ts 1700000000 looks like seconds \(2023-11-14T22:13:20Z\); stored as milliseconds, at 1970-01-20T16:13:20Z/,
    },
    {
      what: 'timestamp far in the future',
      payload: Buffer.from(JSON.stringify({ value: 1, ts: 32_503_680_000_000 })),
      stored: storedValue('', 'value', (r) => Number(r.ts) === 32_503_680_000_000),
      error: /telemetry\.ts 32503680000000 is 3000-01-01T00:00:00Z, more than a day in the future/,
    },
    {
      what: 'timestamp in microseconds',
      payload: Buffer.from(JSON.stringify({ value: 1, ts: (Date.now() - 60_000) * 1000 })),
      stored: storedValue('', 'value', (r) => Number(r.ts) > Date.now() * 100),
      error: /more than a day in the future; it looks like microseconds/,
    },
    {
      what: '10,000 keys',
      payload: Buffer.from(manyKeys()),
      stored: async (p, topicName) => {
        const dev = await deviceByName(p, topicName);
        return (
          !!dev &&
          (
            await p.db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_named WHERE entity_id = $1', [
              dev.id.id,
            ])
          )[0]!.n === '10000'
        );
      },
    },
    {
      what: '__proto__ and constructor keys',
      payload: Buffer.from('{"values":{"__proto__":{"polluted":1},"constructor":5,"ok":1}}'),
      stored: storedValue('', 'constructor', (r) => Number(r.long_v ?? r.dbl_v) === 5),
    },
    {
      what: 'SQL in the device name',
      payload: Buffer.from(JSON.stringify({ name: sqlName, value: 1 })),
      stored: storedValue(sqlName, 'value', (r) => Number(r.long_v ?? r.dbl_v) === 1),
    },
    {
      what: 'HTML in the device name',
      payload: Buffer.from(JSON.stringify({ name: htmlName, value: 1 })),
      stored: storedValue(htmlName, 'value', (r) => Number(r.long_v ?? r.dbl_v) === 1),
    },
    {
      what: 'device name of 10,000 characters',
      payload: Buffer.from(JSON.stringify({ name: 'n'.repeat(10000), value: 1 })),
      error: /longer than 255 characters/,
    },
  ];
}

describe('hostile uplinks through the real path', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ LOG_LEVEL: 'error' });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('10: gives each hostile uplink its documented outcome, with an error event for each dropped or doubtful one, and loses none of the good traffic beside it', async () => {
    const tag = rnd();
    const prefix = `${rnd()}/hostile`;
    const converterId = await createConverter(p, DECODER);
    const { id } = await createIntegration(p, {
      converterId,
      filters: [{ filter: `${prefix}/#`, qos: 1 }],
      cleanSession: true,
      maxBytesInMessage: 262144,
    });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    const good = `GOOD-${tag}`;
    let seq = 0;
    const base = Date.now() - 600_000;
    const publishGood = async (n: number) => {
      for (let k = 0; k < n; k++)
        await pub.publishAsync(`${prefix}/${good}`, JSON.stringify({ value: seq, ts: base + seq++ }), {
          qos: 1,
        });
    };
    const table = cases(tag);
    await publishGood(20);
    for (const [k, c] of table.entries()) {
      await pub.publishAsync(`${prefix}/H${k}-${tag}`, c.payload, { qos: 1 });
      await publishGood(20);
    }
    const goodDev = await eventually(() => deviceByName(p, good));
    await eventually(async () => (await countPoints(p, goodDev.id.id, 'value')) === seq, 30000);
    const withEvent = table.filter((c) => c.error).length;
    await eventually(async () => (await statusOf(p, id)).messagesIn === table.length + seq, 30000);
    await eventually(async () => (await statusOf(p, id)).errors >= withEvent, 15000).catch(() => undefined);
    const events = await errorEvents(p, id);
    const outcomes = await Promise.all(
      table.map(async (c, k) => {
        const topicName = `H${k}-${tag}`;
        const ev = events.find(
          (e) => (e.body as { metadata?: { topic?: string } }).metadata?.topic === `${prefix}/${topicName}`,
        );
        const stored = c.stored ? await c.stored(p, topicName) : false;
        return { what: c.what, stored, error: ev?.body.error ?? null };
      }),
    );
    const st = await statusOf(p, id);
    report('10 hostile uplinks', {
      published: seq,
      stored: await countPoints(p, goodDev.id.id, 'value'),
      lost: seq - (await countPoints(p, goodDev.id.id, 'value')),
      hostile: table.length,
      errors: st.errors,
      outcomes,
    });
    expect(outcomes).toEqual(
      table.map((c) => ({
        what: c.what,
        stored: !!c.stored,
        error: c.error ? expect.stringMatching(c.error) : null,
      })),
    );
    expect(st.errors).toBe(withEvent);
    expect(st.status).toBe('CONNECTED');
    // nothing was polluted by the __proto__ key
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await pub.endAsync();
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
  }, 120_000);
});
