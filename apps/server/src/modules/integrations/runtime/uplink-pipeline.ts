import { randomUUID } from 'node:crypto';
import type { Device, DebugEventBody } from '@bridgeboard/contracts';
import { AppError } from '../../../common/errors.js';
import type { IncomingMessage } from './mqtt-connection.js';
import { SandboxBusyError } from '@bridgeboard/sandbox';
import type { ConverterPort, DecodedUplink, RpcReplyHandler, UplinkMessage, UplinkOutcome, UplinkSink } from './ports.js';
import { checkValuesPerMessage, LimitError, type LimitKind } from './uplink-limits.js';
import { KEPT_FAILURES, receivedTimeOf, type ArchiveItem } from './uplink-archive.js';

/** Messages per converter call / commit. As large as the QoS 1 receive window (1000), so a backlog
 *  is taken in one sandbox call and one commit rather than five (docs/performance.md). */
export const BATCH_MAX = 1000;
/** How long the first message of a batch waits for company, ms. */
export const BATCH_LINGER_MS = 10;
/** Messages waiting while a batch commits before the next batch is taken and decoded alongside. */
export const PREFETCH_MIN = 250;
/** Queued messages before the connection stops reading (back-pressure). */
export const HIGH_WATER = 2000;

export interface PipelineIntegration {
  tenantId: string;
  id: string;
  name: string;
  converterId: string;
  metadata: Record<string, string>;
  maxBytes: number;
  /** what maxBytes is called in the error text (maxBytesInMessage, or the platform's limit when that is lower) */
  maxBytesName?: string;
  /** most telemetry + attribute values one message may carry (0 = no limit) */
  maxValuesPerMessage?: number;
  /** telemetry key holding a per-device message counter (configuration.metadata.sequenceKey); gaps in it are reported */
  sequenceKey?: string;
  /** a message the sandbox itself failed on this many times in a row is quarantined (SANDBOX_POISON_ATTEMPTS) */
  poisonAttempts?: number;
  /** give each message a trace id on receipt (TRACE_MESSAGES) */
  trace?: boolean;
}

/** A message taken out of the stream: kept raw with its error, then acknowledged. */
export interface Quarantined {
  m: IncomingMessage;
  metadata: Record<string, string>;
  error: string;
  code: string;
  attempts: number;
  /** already reported through `failed` (a script error or invalid output): only kept, not reported again */
  reported?: boolean;
}

export interface PipelineDeps {
  converters: ConverterPort;
  /** devices it may not create (a limit) are missing from `devices`; `refused` says why */
  findOrCreate(
    tenantId: string,
    wanted: { name: string; type: string }[],
  ): Promise<{ devices: Map<string, Device>; created: Device[]; refused?: { kind: LimitKind; why: string } }>;
  /** throws a sentence when the values cannot be stored */
  validate(r: DecodedUplink): void;
  sink(): UplinkSink;
  rpc(): RpcReplyHandler | null;
  deviceCreated(d: Device): void;
  /** counters + debug events */
  received(n: number): void;
  /** a batch is committed; `receivedAt`: its oldest message's arrival (ms), for the receive → commit histogram */
  committed?(receivedAt: number): void;
  /** `limit`: the message was refused by that limit (counted apart) */
  failed(m: IncomingMessage, metadata: Record<string, string>, error: string, limit?: LimitKind): void;
  succeeded(m: IncomingMessage, metadata: Record<string, string>): void;
  /**
   * A batch is about to enter the rule engine: the integration names the traces it records debug
   * events for (its Uplink event comes after the commit), so their later steps (the live push) know.
   */
  debugging?(msgs: UplinkMessage[]): void;
  /** a batch's results are committed (device activity) */
  stored?(msgs: UplinkMessage[]): void;
  storageProblem(error: string | null): void;
  /** stores the messages in the quarantine (one statement); resolves once they are committed */
  quarantine(items: Quarantined[]): Promise<void>;
  /** issue 19: keeps the batch's messages raw (one statement), with the converter version that decoded each; absent = archive off */
  archive?(items: ArchiveItem[]): Promise<void>;
}

interface Accepted {
  m: IncomingMessage;
  metadata: Record<string, string>;
  results: DecodedUplink[];
}

/** One batch on its way: decoded while the previous batch commits, then stored, then acknowledged. */
interface Job {
  batch: IncomingMessage[];
  /** devices created by this batch's earlier attempts (announced once) */
  created: Set<string>;
  /** messages already reported or quarantined: a retry of the batch does not report them twice */
  settled: WeakSet<IncomingMessage>;
  decoded: Promise<Decoded>;
  /** the batch is in the raw archive (a retry of its commit does not write it twice) */
  archived?: boolean;
}

interface Decoded {
  accepted: Accepted[];
  quarantine: Quarantined[];
  archive: ArchiveItem[];
}

/** Failures that say the message itself takes the sandbox down (or was never tried): kept, not dropped. */
const POISON = new Set(['MEMORY', 'CRASHED', 'SUSPENDED']);
/** Failures of the sandbox, not of the message: the batch is tried again, up to poisonAttempts times. */
const TRANSIENT = new Set(['SANDBOX', 'BUSY']);

/** Thrown when the sandbox could not decode part of a batch for its own reasons; the batch is retried. */
export class SandboxUnavailable extends Error {}

const MAX_NAME = 255;
function checkResult(r: DecodedUplink): void {
  for (const f of ['deviceName', 'deviceType'] as const) {
    const v = r[f];
    if (typeof v !== 'string' || !v.trim()) throw new Error(`Converter result has no ${f}`);
    if (v.length > MAX_NAME) throw new Error(`Converter result ${f} is ${v.length} characters long; at most ${MAX_NAME} are allowed`);
    if (v.includes('\u0000')) throw new Error(`Converter result ${f} contains a NUL character (\\u0000)`);
  }
}

/** A problem with the data itself (retrying cannot help), as opposed to the database being unreachable. */
export function isDataError(e: unknown): boolean {
  if (e instanceof AppError) return true;
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|42)/.test(code);
}

/** A storage refusal that is a limit: the per-device key cap names its key (the rule engine passes on only the text). */
const limitOf = (e: unknown): LimitKind | undefined => (/TELEMETRY_MAX_KEYS_PER_DEVICE/.test((e as Error).message) ? 'keysPerDevice' : undefined);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `{ ...base, [a]: av, [b]: bv }` (same keys, same order) without the spread: for these per-message
 * copies V8 took its slow path, ~5 µs a message against ~0.2 µs (docs/performance.md).
 */
function extended(base: Record<string, string>, a: string, av: string, b: string, bv: string): Record<string, string> {
  // assignment would call the __proto__ setter where the spread defines a key (user metadata may name it)
  if (Object.hasOwn(base, '__proto__')) return { ...base, [a]: av, [b]: bv };
  const o = Object.assign({}, base);
  o[a] = av;
  o[b] = bv;
  return o;
}

/** Error codes (Node's socket errors, Postgres SQLSTATE) that mean the database cannot be reached, in words. */
const UNAVAILABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  '57P01': 'the server was shut down',
  '57P02': 'the server crashed',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'too many connections',
  '08000': 'connection failed',
  '08001': 'could not connect',
  '08003': 'connection lost',
  '08006': 'connection failed',
};
const UNAVAILABLE_TEXT =
  /Connection terminated|timeout exceeded when trying to connect|database system is (starting up|shutting down)/i;

/**
 * The integration's lastError while uplinks cannot be stored: a sentence a user can act on, not the
 * driver's error object. An unreachable database says so, with where it was looked for.
 */
export function storageProblemText(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  const raw = (e as { message?: unknown })?.message;
  let message = typeof raw === 'string' ? raw : String(e);
  // errors that crossed a realm or a process arrive as their JSON; Node's socket errors carry address and port
  const json = /^\s*\{/.test(message) ? safeParse(message) : null;
  if (json) message = typeof json.message === 'string' ? json.message : '';
  const src = json ?? (e as Record<string, unknown>);
  const address =
    typeof src?.address === 'string'
      ? `${src.address}${src.port ? `:${String(src.port)}` : ''}`
      : (/\b(?:connect|read|write) \w+ (\S+)/.exec(message)?.[1] ?? '');
  const c = typeof code === 'string' ? code : typeof json?.code === 'string' ? json.code : '';
  const what = UNAVAILABLE[c] ?? (UNAVAILABLE_TEXT.test(message) ? message.replace(/\.$/, '') : null);
  if (what)
    return `Database unavailable: ${what}${address ? ` (${address})` : ''}; messages are held by the broker and retried until it answers`;
  return `Could not store uplinks: ${message || c || 'unknown error'}; messages are held by the broker and retried`;
}

function safeParse(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Uplinks of one integration: queued, batched (BATCH_MAX or BATCH_LINGER_MS), decoded in one
 * sandbox call, devices found or created in one statement, handed to the sink, and only then
 * acknowledged. A failing database holds the batch and retries (nothing is acked meanwhile);
 * a bad message becomes an error for that message alone.
 */
export class UplinkPipeline {
  private queue: IncomingMessage[] = [];
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];
  private stopped = false;
  /** stop() was called: what is queued is still stored, nothing new is taken */
  private closing = false;
  /** the batch decoded while the current one commits */
  private next: Job | null = null;
  private prefetching = false;
  /** how often the sandbox itself failed on a message still in the stream */
  private readonly attempts = new WeakMap<IncomingMessage, number>();
  /** last sequence number seen per device id (only when integ.sequenceKey is set) */
  private readonly lastSeq = new Map<string, number>();

  constructor(
    private readonly integ: PipelineIntegration,
    private readonly deps: PipelineDeps,
  ) {}

  enqueue(m: IncomingMessage): void | Promise<void> {
    if (this.closing) return; // not acked: a broker with a session sends it again
    // randomUUID draws from a cached pool: ~0.1 µs, faster than building an id from a counter (measured)
    if (this.integ.trace) m.traceId = randomUUID();
    this.deps.received(1);
    this.queue.push(m);
    if (this.prefetching) this.prefetch();
    if (!this.running && !this.timer) {
      if (this.queue.length >= BATCH_MAX) this.kick();
      else this.timer = setTimeout(() => this.kick(), BATCH_LINGER_MS);
    }
    if (this.queue.length >= HIGH_WATER) return new Promise((r) => this.waiters.push(r));
  }

  /**
   * Stores (and acks) what was already received, within `timeoutMs`, then gives up on the rest.
   * A broker that keeps no session for us (the demo's embedded one stops with the platform) would
   * never send those messages again, so a Ctrl-C must not drop them.
   */
  async stop(timeoutMs = 5000): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiters.splice(0).forEach((w) => w());
    if (!this.running && this.queue.length) this.kick();
    if (this.running) await Promise.race([this.running, sleep(timeoutMs)]);
    this.stopped = true;
    this.queue = [];
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.stopped) return;
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.queue.length && !this.stopped) this.kick();
    });
  }

  /**
   * Batch n+1 is taken and decoded (in a sandbox worker, on the other core) while batch n
   * commits; batches still commit and are acknowledged in order.
   */
  private async loop(): Promise<void> {
    let job = this.take();
    while (job && !this.stopped) {
      const done = await this.complete(job, () => {
        this.prefetching = true;
        this.prefetch();
      });
      this.prefetching = false;
      if (!done) return;
      const oldest = job.batch[0]?.receivedAt;
      if (oldest !== undefined) this.deps.committed?.(oldest);
      for (const m of job.batch) m.ack();
      job = this.next ?? this.take();
      this.next = null;
    }
  }

  /**
   * While a batch commits: take the next one once PREFETCH_MIN messages wait (under load, so its
   * decoding overlaps this commit); fewer are taken when this commit ends, as one larger batch.
   */
  private prefetch(): void {
    if (!this.prefetching || this.next || this.queue.length < PREFETCH_MIN || this.stopped) return;
    this.next = this.take();
  }

  private take(): Job | null {
    if (!this.queue.length || this.stopped) return null;
    const batch = this.queue.splice(0, BATCH_MAX);
    if (this.queue.length < HIGH_WATER) this.waiters.splice(0).forEach((w) => w());
    const job: Job = { batch, created: new Set(), settled: new WeakSet(), decoded: null! };
    job.decoded = this.decode(job);
    job.decoded.catch(() => undefined);
    return job;
  }

  /** Decodes (once more if the first decode failed) and commits, retrying while the database or sandbox is away. */
  private async complete(job: Job, decodedOnce: () => void): Promise<boolean> {
    let decoded: Promise<Decoded> | null = job.decoded;
    let told = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const d = await (decoded ?? this.decode(job));
        decoded = null;
        if (!told) {
          told = true;
          decodedOnce();
        }
        await this.commit(job, d);
        if (attempt) this.deps.storageProblem(null);
        return true;
      } catch (e) {
        decoded = null;
        if (this.stopped) return false;
        this.deps.storageProblem(e instanceof SandboxUnavailable ? e.message : storageProblemText(e));
        await sleep(Math.min(5000, 100 * 2 ** attempt));
      }
    }
  }

  private metadataOf(m: IncomingMessage): Record<string, string> {
    return extended(this.integ.metadata, 'topic', m.topic, 'integrationName', this.integ.name);
  }

  private async decode(job: Job): Promise<Decoded> {
    const i = this.integ;
    const inputs: { m: IncomingMessage; metadata: Record<string, string> }[] = [];
    const quarantine: Quarantined[] = [];
    for (const m of job.batch) {
      if (job.settled.has(m)) continue;
      const metadata = this.metadataOf(m);
      // oversize: the connection dropped the payload's bytes as they arrived and kept only its size
      const size = m.oversize ?? m.payload.length;
      if (size > i.maxBytes) {
        job.settled.add(m);
        this.deps.failed(m, metadata, `Message of ${size} bytes exceeds ${i.maxBytesName ?? 'maxBytesInMessage'} (${i.maxBytes}); dropped`, 'messageSize');
      } else inputs.push({ m, metadata });
    }
    if (!inputs.length) return { accepted: [], quarantine, archive: [] };
    let outcomes: UplinkOutcome[];
    try {
      outcomes = await this.deps.converters.runUplink(
        i.tenantId,
        i.converterId,
        // the Buffer as it is (a Uint8Array): the sandbox copies the bytes once, into its packed batch
        inputs.map((x) => ({ payload: x.m.payload, metadata: x.metadata, receivedAt: x.m.receivedAt, traceId: x.m.traceId })),
      );
    } catch (e) {
      if (!(e instanceof SandboxBusyError)) throw e;
      outcomes = inputs.map(() => ({ ok: false, error: e.message, code: 'BUSY' }));
    }
    const accepted: Accepted[] = [];
    const archive: ArchiveItem[] = [];
    // archived unless it goes to the quarantine (kept there, raw, for reprocessing) or is tried again
    const archiving = this.deps.archive !== undefined;
    const keep = (m: IncomingMessage, version: number | undefined) => {
      if (archiving && version !== undefined) archive.push({ m, receivedTime: receivedTimeOf(m), converterVersion: version });
    };
    let unavailable: string | null = null;
    inputs.forEach((x, k) => {
      const o = outcomes[k];
      if (!o) {
        job.settled.add(x.m);
        return this.deps.failed(x.m, x.metadata, 'The converter returned no outcome for this message');
      }
      if (!o.ok) {
        const code = o.code ?? 'SCRIPT_ERROR';
        if (TRANSIENT.has(code)) {
          const n = (this.attempts.get(x.m) ?? 0) + 1;
          this.attempts.set(x.m, n);
          if (n < (i.poisonAttempts ?? 3)) {
            unavailable = o.error;
            return;
          }
          return quarantine.push({ ...x, error: `${o.error} (failed ${n} times in a row)`, code, attempts: n });
        }
        if (POISON.has(code)) return quarantine.push({ ...x, error: o.error, code, attempts: (this.attempts.get(x.m) ?? 0) + 1 });
        job.settled.add(x.m);
        this.deps.failed(x.m, x.metadata, o.error);
        if (KEPT_FAILURES.has(code)) quarantine.push({ ...x, error: o.error, code, attempts: 1, reported: true });
        else keep(x.m, o.version);
        return;
      }
      try {
        checkValuesPerMessage(o.results, i.maxValuesPerMessage ?? 0);
        for (const r of o.results) {
          checkResult(r);
          this.deps.validate(r);
        }
        accepted.push({ m: x.m, metadata: x.metadata, results: o.results });
        keep(x.m, o.version);
      } catch (e) {
        job.settled.add(x.m);
        this.deps.failed(x.m, x.metadata, (e as Error).message, e instanceof LimitError ? e.kind : undefined);
        // a result the platform cannot store (a bad value, a NUL in a name): kept for a fixed converter; a limit is not
        if (!(e instanceof LimitError)) quarantine.push({ ...x, error: (e as Error).message, code: 'INVALID_OUTPUT', attempts: 1, reported: true });
        else keep(x.m, o.version);
      }
    });
    if (unavailable) throw new SandboxUnavailable(`The sandbox could not decode messages: ${unavailable}; they are held by the broker and retried`);
    return { accepted, quarantine, archive };
  }

  private async commit(job: Job, d: Decoded): Promise<void> {
    // the raw archive is written alongside the data (its own statement, on its own connection), and the
    // batch is acknowledged only once both are committed
    const archived = !job.archived && d.archive.length && this.deps.archive ? this.deps.archive(d.archive).then(() => void (job.archived = true)) : null;
    archived?.catch(() => undefined);
    const fresh = d.quarantine.filter((q) => q.reported || !job.settled.has(q.m));
    if (fresh.length) {
      await this.deps.quarantine(fresh);
      for (const q of fresh) job.settled.add(q.m);
    }
    if (d.accepted.length) await this.store(d.accepted, job.created, true);
    await archived;
  }

  /** A device limit refused some devices: the messages that name them fail, the others go on. */
  private withoutRefused(accepted: Accepted[], devices: Map<string, Device>, refused: { kind: LimitKind; why: string }): Accepted[] {
    return accepted.filter((a) => {
      const missing = a.results.find((r) => !devices.has(r.deviceName));
      if (missing) this.deps.failed(a.m, a.metadata, `Device '${missing.deviceName}' was not created: ${refused.why}; dropped`, refused.kind);
      return !missing;
    });
  }

  /** Resolves devices and hands the batch to the sink; on a data error, retries message by message. */
  private async store(accepted: Accepted[], created: Set<string>, isolate: boolean): Promise<void> {
    const i = this.integ;
    const wanted = accepted.flatMap((a) => a.results.map((r) => ({ name: r.deviceName, type: r.deviceType })));
    const { devices, created: fresh, refused } = await this.deps.findOrCreate(i.tenantId, wanted);
    for (const d of fresh) created.add(d.id.id);
    if (refused) accepted = this.withoutRefused(accepted, devices, refused);
    if (!accepted.length) return;
    const announced = new Set<string>();
    const msgs: UplinkMessage[] = [];
    const sources: Accepted[] = [];
    const rpc: { deviceId: string; r: NonNullable<DecodedUplink['rpcResponse']>; traceId?: string }[] = [];
    for (const a of accepted) {
      for (const r of a.results) {
        const device = devices.get(r.deviceName)!;
        const isNew = created.has(device.id.id) && !announced.has(device.id.id);
        if (isNew) announced.add(device.id.id);
        if (r.rpcResponse) rpc.push({ deviceId: device.id.id, r: r.rpcResponse, traceId: a.m.traceId });
        sources.push(a);
        msgs.push({
          tenantId: i.tenantId,
          integrationId: i.id,
          integrationName: i.name,
          device,
          deviceCreated: isNew,
          attributes: r.attributes,
          telemetry: r.telemetry,
          metadata: extended(a.metadata, 'deviceName', device.name, 'deviceType', device.type),
          traceId: a.m.traceId,
        });
      }
    }
    this.deps.debugging?.(msgs);
    try {
      await this.deps.sink().handle(msgs);
    } catch (e) {
      if (!isolate || !isDataError(e) || accepted.length === 1) {
        if (accepted.length === 1 && isDataError(e))
          return this.deps.failed(accepted[0]!.m, accepted[0]!.metadata, `Could not store: ${(e as Error).message}`, limitOf(e));
        throw e;
      }
      for (const a of accepted) await this.store([a], created, false);
      return;
    }
    this.deps.stored?.(msgs);
    for (const d of devices.values()) if (announced.has(d.id.id)) this.deps.deviceCreated(d);
    const h = this.deps.rpc();
    if (h) for (const x of rpc) h(i.tenantId, x.deviceId, x.r, x.traceId);
    for (const a of accepted) this.deps.succeeded(a.m, a.metadata);
    // kept, but the user should hear about it (a timestamp in seconds, far in the future)
    for (const a of accepted)
      for (const r of a.results)
        for (const w of r.warnings ?? []) this.deps.failed(a.m, a.metadata, `Device '${r.deviceName}': ${w}`);
    if (i.sequenceKey) this.checkSequence(msgs, sources);
  }

  /**
   * A broker that drops messages (queue overflow, expired session) does so silently; a jump in the
   * device's counter is the only trace, so it becomes an error event naming the missing range.
   * Lower or equal numbers are redeliveries or a device restart: the baseline follows the highest seen.
   */
  private checkSequence(msgs: UplinkMessage[], sources: Accepted[]): void {
    const key = this.integ.sequenceKey!;
    msgs.forEach((msg, k) => {
      for (const t of msg.telemetry ?? []) {
        const v = Number(t.values[key]);
        if (!Number.isSafeInteger(v)) continue;
        const id = msg.device.id.id;
        const last = this.lastSeq.get(id);
        if (last === undefined || v > last) this.lastSeq.set(id, v);
        if (last === undefined || v <= last + 1) continue;
        const src = sources[k]!;
        this.deps.failed(
          src.m,
          msg.metadata,
          `Sequence gap on device '${msg.device.name}': ${key} jumped from ${last} to ${v}; ${v - last - 1} message(s) may have been lost before reaching Bridgeboard (broker queue limit or expired session)`,
        );
      }
    });
  }
}

/** How a payload shows in a debug event: JSON or text as is, anything else base64. */
export function describePayload(p: Buffer, max = 65536): Pick<DebugEventBody, 'in' | 'inContentType'> {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(p);
    let type: 'JSON' | 'TEXT' = 'TEXT';
    try {
      JSON.parse(text);
      type = 'JSON';
    } catch {
      /* plain text */
    }
    return { in: text.length > max ? `${text.slice(0, max)}…` : text, inContentType: type };
  } catch {
    const b = p.subarray(0, max).toString('base64');
    return { in: b, inContentType: 'BINARY' };
  }
}
