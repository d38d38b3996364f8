import type { Device } from '@bridgeboard/contracts';
import type { IncomingMessage } from './mqtt-connection.js';
import type { PipelineDeps, Quarantined } from './uplink-pipeline.js';
import { PREFETCH_MIN, storageProblemText, UplinkPipeline } from './uplink-pipeline.js';
import type { UplinkOutcome } from './ports.js';

const device = (name: string): Device =>
  ({ id: { entityType: 'DEVICE', id: `id-${name}` }, name, type: 'counter' }) as unknown as Device;

/** Every port faked: the converter reads {d, seq} from the payload, devices exist, the sink takes all. */
const fakeDeps = (over: Partial<PipelineDeps> = {}): PipelineDeps => ({
  converters: {
    runUplink: async (_t, _c, inputs) => inputs.map((x) => ok(parse(x.payload))),
    find: async () => null,
  },
  findOrCreate: async (_t, wanted) => ({
    devices: new Map(wanted.map((w) => [w.name, device(w.name)])),
    created: [],
  }),
  validate: () => undefined,
  sink: () => ({ handle: async () => undefined }),
  rpc: () => null,
  deviceCreated: () => undefined,
  received: () => undefined,
  failed: () => undefined,
  succeeded: () => undefined,
  storageProblem: () => undefined,
  quarantine: async () => undefined,
  ...over,
});

/** A pipeline on fakeDeps, collecting failures and acknowledgements. */
function pipeline(sequenceKey?: string, over: Partial<PipelineDeps> = {}) {
  const errors: string[] = [];
  const acked: number[] = [];
  const p = new UplinkPipeline(
    { tenantId: 't', id: 'i', name: 'I', converterId: 'c', metadata: {}, maxBytes: 1024, sequenceKey, poisonAttempts: 3 },
    fakeDeps({ failed: (_m, _meta, error) => void errors.push(error), ...over }),
  );
  const send = async (d: string, seqs: number[]) => {
    for (const seq of seqs)
      void p.enqueue({
        topic: 't',
        payload: Buffer.from(JSON.stringify({ d, seq })),
        qos: 1,
        ack: () => void acked.push(seq),
      } as IncomingMessage);
    for (let k = 0; k < 100 && acked.length < seqs.length; k++) await new Promise((r) => setTimeout(r, 5));
    acked.length = 0;
  };
  return { p, errors, send, acked };
}

const ok = (d: { d: string; seq: number }): UplinkOutcome => ({
  ok: true,
  results: [{ deviceName: d.d, deviceType: 'counter', telemetry: [{ ts: d.seq, values: { seq: d.seq } }] }],
});
const parse = (payload: Uint8Array) => JSON.parse(Buffer.from(payload).toString()) as { d: string; seq: number };
const until = async (f: () => boolean) => {
  for (let k = 0; k < 400 && !f(); k++) await new Promise((r) => setTimeout(r, 5));
};

describe('poison messages in the uplink pipeline', () => {
  it('quarantines a message whose decoding killed a sandbox worker, acknowledges it and stores the rest', async () => {
    const quarantined: Quarantined[] = [];
    const stored: string[] = [];
    const { p, send } = pipeline(undefined, {
      converters: {
        runUplink: async (_t, _c, inputs) =>
          inputs.map((x) => {
            const d = parse(x.payload);
            return d.d === 'bomb' ? { ok: false, error: 'The decoder crashed its sandbox worker', code: 'CRASHED' } : ok(d);
          }),
        find: async () => null,
      },
      sink: () => ({ handle: async (b) => void stored.push(...b.map((m) => m.device.name)) }),
      quarantine: async (items) => void quarantined.push(...items),
    });
    await send('x', [1]);
    const acked: number[] = [];
    for (const [d, seq] of [['a', 1], ['bomb', 2], ['b', 3]] as const)
      void p.enqueue({ topic: 't', payload: Buffer.from(JSON.stringify({ d, seq })), qos: 1, ack: () => void acked.push(seq) } as IncomingMessage);
    await until(() => acked.length === 3);
    expect(acked.sort()).toEqual([1, 2, 3]);
    expect(quarantined.map((q) => [q.code, q.error, q.m.topic])).toEqual([['CRASHED', 'The decoder crashed its sandbox worker', 't']]);
    expect(stored).toEqual(['x', 'a', 'b']);
    await p.stop();
  });

  it('retries a batch while the sandbox itself fails, and quarantines a message after poisonAttempts such failures', async () => {
    const quarantined: Quarantined[] = [];
    const calls: string[] = [];
    const problems: (string | null)[] = [];
    const { p, send } = pipeline(undefined, {
      converters: {
        runUplink: async (_t, _c, inputs) =>
          inputs.map((x) => {
            const d = parse(x.payload);
            calls.push(d.d);
            // 'flaky' fails once for the sandbox's own reasons, 'stuck' always
            if (d.d === 'stuck' || (d.d === 'flaky' && calls.filter((c) => c === 'flaky').length === 1))
              return { ok: false, error: 'The sandbox failed: worker unavailable', code: 'SANDBOX' };
            return ok(d);
          }),
        find: async () => null,
      },
      quarantine: async (items) => void quarantined.push(...items),
      storageProblem: (e) => void problems.push(e),
    });
    await send('flaky', [1]);
    expect(calls).toEqual(['flaky', 'flaky']);
    expect(quarantined).toEqual([]);
    expect(problems[0]).toMatch(/^The sandbox could not decode messages: The sandbox failed: worker unavailable/);
    await send('stuck', [2]);
    expect(calls.filter((c) => c === 'stuck')).toHaveLength(3);
    expect(quarantined.map((q) => [q.code, q.attempts, q.error])).toEqual([
      ['SANDBOX', 3, 'The sandbox failed: worker unavailable (failed 3 times in a row)'],
    ]);
    await p.stop();
  }, 15_000);

  it('decodes the next batch while the previous one commits once enough messages wait, and acknowledges in order', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const { p, acked } = pipeline(undefined, {
      converters: {
        runUplink: async (_t, _c, inputs) => {
          events.push(`decode ${inputs.map((x) => parse(x.payload).seq).join(',')}`);
          return inputs.map((x) => ok(parse(x.payload)));
        },
        find: async () => null,
      },
      sink: () => ({
        handle: async (b) => {
          events.push(`commit ${b.map((m) => m.telemetry![0]!.ts).join(',')}`);
          if (b[0]!.telemetry![0]!.ts === 1) await new Promise<void>((r) => (release = r));
        },
      }),
    });
    const msg = (seq: number) =>
      ({ topic: 't', payload: Buffer.from(JSON.stringify({ d: 'a', seq })), qos: 1, ack: () => void acked.push(seq) }) as IncomingMessage;
    void p.enqueue(msg(1));
    await until(() => events.includes('commit 1'));
    const rest = Array.from({ length: PREFETCH_MIN }, (_, k) => k + 2);
    for (const seq of rest) void p.enqueue(msg(seq));
    await until(() => events.includes(`decode ${rest.join(',')}`));
    expect(events).toEqual(['decode 1', 'commit 1', `decode ${rest.join(',')}`]);
    expect(acked).toEqual([]);
    release();
    await until(() => acked.length === rest.length + 1);
    expect(acked).toEqual([1, ...rest]);
    expect(events).toEqual(['decode 1', 'commit 1', `decode ${rest.join(',')}`, `commit ${rest.join(',')}`]);
    await p.stop();
  });
});

describe('stopping the uplink pipeline', () => {
  it('stores and acks what was already received before it stops, and takes nothing after', async () => {
    const { p, acked } = pipeline(undefined);
    const msg = (seq: number) =>
      ({
        topic: 't',
        payload: Buffer.from(JSON.stringify({ d: 'A', seq })),
        qos: 1,
        ack: () => void acked.push(seq),
      }) as IncomingMessage;
    for (const seq of [1, 2, 3]) void p.enqueue(msg(seq));
    await p.stop(); // before the batch's linger time is up
    void p.enqueue(msg(4));
    await new Promise((r) => setTimeout(r, 30));
    expect(acked).toEqual([1, 2, 3]);
  });
});

describe('sequence gap detection in the uplink pipeline', () => {
  it('reports a jump in the sequence key with the number of missing messages, per device', async () => {
    const { p, errors, send } = pipeline('seq');
    await send('A', [1, 2, 3]);
    await send('B', [10, 11]);
    await send('A', [7]);
    expect(errors).toEqual([
      expect.stringMatching(
        /^Sequence gap on device 'A': seq jumped from 3 to 7; 3 message\(s\) may have been lost/,
      ),
    ]);
    await p.stop();
  });

  it('treats redeliveries and a device restart (lower numbers) as no gap', async () => {
    const { p, errors, send } = pipeline('seq');
    await send('A', [1, 2, 3, 2, 3, 4, 0, 1]);
    expect(errors).toEqual([]);
    await p.stop();
  });

  it('checks nothing when no sequence key is configured', async () => {
    const { p, errors, send } = pipeline(undefined);
    await send('A', [1, 50]);
    expect(errors).toEqual([]);
    await p.stop();
  });
});

describe('the lastError while uplinks cannot be stored', () => {
  const held = '; messages are held by the broker and retried until it answers';

  it('says the database is unavailable, and where, instead of showing the driver error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(storageProblemText(refused)).toBe(
      `Database unavailable: connection refused (127.0.0.1:5432)${held}`,
    );
    // as it reaches the pipeline through the rule engine when the error crossed a realm: its JSON
    const json = new Error(
      '{"errno":-111,"code":"ECONNREFUSED","syscall":"connect","address":"127.0.0.1","port":38105}',
    );
    expect(storageProblemText(Object.assign(json, { code: 'ECONNREFUSED' }))).toBe(
      `Database unavailable: connection refused (127.0.0.1:38105)${held}`,
    );
    // Node's AggregateError (several addresses tried) has no message at all
    expect(storageProblemText(Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }))).toBe(
      `Database unavailable: connection refused${held}`,
    );
    expect(
      storageProblemText(Object.assign(new Error('the database system is starting up'), { code: '57P03' })),
    ).toBe(`Database unavailable: the server is starting up or shutting down${held}`);
    expect(storageProblemText(new Error('Connection terminated unexpectedly'))).toBe(
      `Database unavailable: Connection terminated unexpectedly${held}`,
    );
  });

  it('names any other storage error in words', () => {
    expect(storageProblemText(Object.assign(new Error('could not extend file'), { code: '53100' }))).toBe(
      'Could not store uplinks: could not extend file; messages are held by the broker and retried',
    );
  });
});

describe('uplink metadata', () => {
  it('gives the converter the integration metadata with topic and integrationName, and the sink that plus deviceName and deviceType, in that order', async () => {
    // as read from the integration's JSON configuration: a '__proto__' key is a plain key there
    const metadata = JSON.parse('{"site":"north","topic":"configured","__proto__":"p"}') as Record<string, string>;
    const seenByConverter: Record<string, string>[] = [];
    const seenBySink: Record<string, string>[] = [];
    const p = new UplinkPipeline(
      { tenantId: 't', id: 'i', name: 'I', converterId: 'c', metadata, maxBytes: 1024 },
      fakeDeps({
        converters: {
          runUplink: async (_t, _c, inputs) => inputs.map((x) => (seenByConverter.push(x.metadata), ok(parse(x.payload)))),
          find: async () => null,
        },
        sink: () => ({ handle: async (msgs) => void seenBySink.push(...msgs.map((m) => m.metadata)) }),
      }),
    );
    void p.enqueue({ topic: 'a/SN-1', payload: Buffer.from('{"d":"SN-1","seq":1}'), qos: 0, ack: () => undefined });
    await until(() => seenBySink.length === 1);
    const entries = (o: Record<string, string>) => Object.entries(o);
    expect(entries(seenByConverter[0]!)).toEqual([
      ['site', 'north'],
      ['topic', 'a/SN-1'],
      ['__proto__', 'p'],
      ['integrationName', 'I'],
    ]);
    expect(entries(seenBySink[0]!)).toEqual([...entries(seenByConverter[0]!), ['deviceName', 'SN-1'], ['deviceType', 'counter']]);
    expect(Object.getPrototypeOf(seenBySink[0])).toBe(Object.prototype);
    // the integration's own metadata is not changed
    expect(entries(metadata)).toEqual([
      ['site', 'north'],
      ['topic', 'configured'],
      ['__proto__', 'p'],
    ]);
    await p.stop();
  });

  it('keeps the key order of the spread it replaces for ordinary metadata', async () => {
    const seenBySink: Record<string, string>[] = [];
    const { p } = pipeline(undefined, { sink: () => ({ handle: async (msgs) => void seenBySink.push(...msgs.map((m) => m.metadata)) }) });
    void p.enqueue({ topic: 'x/y', payload: Buffer.from('{"d":"D","seq":1}'), qos: 0, ack: () => undefined });
    await until(() => seenBySink.length === 1);
    expect(seenBySink[0]).toEqual({ topic: 'x/y', integrationName: 'I', deviceName: 'D', deviceType: 'counter' });
    expect(Object.keys(seenBySink[0]!)).toEqual(['topic', 'integrationName', 'deviceName', 'deviceType']);
    await p.stop();
  });
});

describe('trace ids in the uplink pipeline', () => {
  const run = async (trace: boolean) => {
    const inputs: (string | undefined)[] = [];
    const sunk: (string | undefined)[] = [];
    const p = new UplinkPipeline(
      { tenantId: 't', id: 'i', name: 'I', converterId: 'c', metadata: {}, maxBytes: 1024, trace },
      fakeDeps({
        converters: {
          runUplink: async (_t, _c, xs) =>
            xs.map((x) => {
              inputs.push(x.traceId);
              return ok(parse(x.payload));
            }),
          find: async () => null,
        },
        sink: () => ({ handle: async (msgs) => void sunk.push(...msgs.map((m) => m.traceId)) }),
      }),
    );
    for (let seq = 0; seq < 3; seq++)
      void p.enqueue({ topic: 't', payload: Buffer.from(JSON.stringify({ d: 'SN-001', seq })), qos: 0, ack: () => undefined });
    await until(() => sunk.length === 3);
    await p.stop();
    return { inputs, sunk };
  };

  it('gives every message its own UUID-shaped trace id on receipt, carried to the converter and the sink', async () => {
    const { inputs, sunk } = await run(true);
    expect(inputs).toEqual(sunk);
    expect(new Set(sunk).size).toBe(3);
    for (const id of sunk) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives none with traces off (TRACE_MESSAGES=off)', async () => {
    const { sunk } = await run(false);
    expect(sunk).toEqual([undefined, undefined, undefined]);
  });
});
