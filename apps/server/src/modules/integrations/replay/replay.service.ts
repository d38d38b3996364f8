import { Injectable, Logger } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type {
  ReplayApplyResult,
  ReplayDryRunResult,
  ReplayJob,
  ReplayRequest,
  ReplaySample,
  TestOnArchiveRequest,
  TestOnArchiveResult,
  TestOnArchiveSample,
  UplinkOutput,
} from '@bridgeboard/contracts';
import { AppError } from '../../../common/errors.js';
import { ArchiveDecoder, type PastInput } from '../../converters/converter.archive-decoder.js';
import { ConverterError } from '../../converters/converter.errors.js';
import { ConverterService } from '../../converters/converter.service.js';
import type { ConverterRecord } from '../../converters/converter.repository.js';
import { ClusterNode } from '../../cluster/cluster-node.js';
import { IntegrationService } from '../integration.service.js';
import { IntegrationRuntime } from '../runtime/integration-runtime.js';
import type { DecodedUplink, UplinkOutcome } from '../runtime/ports.js';
import { RawArchiveRepository, type ArchivedMessage, type ArchiveWindow } from '../archive/raw-archive.repository.js';
import { ReplayJobRepository } from './replay-job.repository.js';
import { storePast } from './past-store.js';
import { TenantSlots } from './tenant-slots.js';

/** Archived messages per step: one sandbox call each way, one progress write. */
export const REPLAY_CHUNK = 500;
/** Replays (sync or jobs), tests on the archive and quarantine reprocessings one tenant may run at once on a node. */
export const PAST_WORK_PER_TENANT = 2;
const MAX_SAMPLES = 20;

/** What a version produced, as the API shows it (no rpcResponse, no warnings). */
export const outputOf = (r: DecodedUplink): UplinkOutput => ({
  deviceName: r.deviceName,
  deviceType: r.deviceType,
  ...(r.attributes ? { attributes: r.attributes } : {}),
  ...(r.telemetry ? { telemetry: r.telemetry } : {}),
});
const outputsOf = (o: UplinkOutcome): UplinkOutput[] | null => (o.ok ? o.results.map(outputOf) : null);

const inputOf = (m: ArchivedMessage): PastInput => ({ payload: m.payload, metadata: m.metadata, receivedTime: m.receivedTime });

/**
 * Replays archived uplinks through a converter's current version (issue 19): a dry run compares with
 * what the version that first decoded each message produced; applying stores the new results through
 * the integration's live path, at each message's receive time where the decoder gives no ts. Long
 * replays run as jobs kept in Postgres (progress, cancel from any node); a job whose node died is
 * answered FAILED (its row names the node, checked against the cluster's heartbeats).
 */
@Injectable()
export class ReplayService {
  private readonly log = new Logger('replay');
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  /** bounds the past-message work of each tenant on this node (shared with quarantine reprocessing) */
  readonly slots = new TenantSlots(PAST_WORK_PER_TENANT);

  constructor(
    private readonly archive: RawArchiveRepository,
    private readonly jobs: ReplayJobRepository,
    private readonly converters: ConverterService,
    private readonly decoder: ArchiveDecoder,
    private readonly integrations: IntegrationService,
    private readonly runtime: IntegrationRuntime,
    private readonly node: ClusterNode,
  ) {}

  /** Waits for this node's running jobs (shutdown). */
  async drain(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running]);
  }

  async replay(tenantId: string, converterId: string, req: ReplayRequest): Promise<ReplayDryRunResult | ReplayApplyResult | { jobId: string }> {
    await this.uplinkConverter(tenantId, converterId);
    if (req.integrationId) await this.integrations.get(tenantId, req.integrationId);
    const w: ArchiveWindow = { converterId, startTs: req.startTs, endTs: req.endTs, integrationId: req.integrationId };
    if (!req.async) return this.slots.run(tenantId, () => this.run(tenantId, w, req, async () => true));
    const give = this.slots.take(tenantId);
    let jobId: string;
    try {
      const total = await this.archive.count(tenantId, w);
      jobId = await this.jobs.create(tenantId, converterId, req, total, this.node.id);
    } catch (e) {
      give();
      throw e;
    }
    let processed = 0;
    const job = this.run(tenantId, w, req, (n) => this.jobs.progress(jobId, (processed = n)))
      .then(
        (result) => this.jobs.finish(jobId, 'DONE', processed, result, null),
        (e: Error) => {
          this.log.warn(`Replay job ${jobId} failed: ${e.message}`);
          return this.jobs.finish(jobId, 'FAILED', processed, null, e.message);
        },
      )
      .catch((e: Error) => this.log.warn(`Replay job ${jobId}: could not record its end: ${e.message}`))
      .finally(() => {
        give();
        this.running.delete(job);
      });
    this.running.add(job);
    return { jobId };
  }

  async job(tenantId: string, converterId: string, jobId: string): Promise<ReplayJob> {
    await this.uplinkConverter(tenantId, converterId);
    const j = await this.jobs.find(tenantId, converterId, jobId, this.node.timeoutMs);
    if (!j) throw AppError.notFound(`Replay job with id ${jobId}`);
    return j;
  }

  async cancel(tenantId: string, converterId: string, jobId: string): Promise<ReplayJob> {
    await this.job(tenantId, converterId, jobId);
    await this.jobs.cancel(tenantId, converterId, jobId);
    return this.job(tenantId, converterId, jobId);
  }

  /** Runs the window in chunks; `progress` returns false to stop (cancelled). */
  private async run(
    tenantId: string,
    w: ArchiveWindow,
    req: ReplayRequest,
    progress: (processed: number) => Promise<boolean>,
  ): Promise<ReplayDryRunResult | ReplayApplyResult> {
    const dry = new DryRunTally(req.deviceName);
    const apply: ReplayApplyResult = { messages: 0, stored: 0, failed: 0 };
    let cursor: string | null = null;
    let processed = 0;
    for (;;) {
      if (this.stopping) throw new Error(`The server stopped after ${processed} message(s); run the replay again for the rest`);
      const chunk = await this.archive.next(tenantId, w, cursor, REPLAY_CHUNK);
      if (!chunk.length) break;
      cursor = chunk[chunk.length - 1]!.cursor;
      if (req.dryRun) await this.compare(tenantId, w.converterId, chunk, dry);
      else await this.store(tenantId, w.converterId, chunk, req.deviceName, apply);
      processed += chunk.length;
      if (!(await progress(processed))) break;
      if (chunk.length < REPLAY_CHUNK) break;
    }
    return req.dryRun ? dry.result() : apply;
  }

  /** Both versions on a chunk: the current one in one sandbox call, each older one in one call. */
  private async compare(tenantId: string, converterId: string, chunk: ArchivedMessage[], tally: DryRunTally): Promise<void> {
    const inputs = chunk.map(inputOf);
    const now = await this.decoder.current(tenantId, converterId, inputs);
    const before = await this.decodeAsArchived(tenantId, converterId, chunk, now);
    chunk.forEach((m, k) => tally.add(m, before[k]!, now.outcomes[k]!));
  }

  /**
   * What the version that first decoded each message produced: run again from the version's saved
   * script (the archive keeps the bytes, not the results), one sandbox call per version.
   */
  private async decodeAsArchived(
    tenantId: string,
    converterId: string,
    chunk: ArchivedMessage[],
    current: { version: number; outcomes: UplinkOutcome[] },
  ): Promise<UplinkOutcome[]> {
    const out: UplinkOutcome[] = new Array(chunk.length);
    const byVersion = new Map<number, number[]>();
    chunk.forEach((m, k) => {
      if (m.converterVersion === current.version) out[k] = current.outcomes[k]!;
      else (byVersion.get(m.converterVersion) ?? byVersion.set(m.converterVersion, []).get(m.converterVersion)!).push(k);
    });
    const versions = await this.converters.versions.findMany(tenantId, converterId, [...byVersion.keys()]);
    for (const [version, idx] of byVersion) {
      const v = versions.get(version);
      if (!v?.configuration.decoder) {
        for (const k of idx) out[k] = { ok: false, error: `Version ${version} of the converter is not known`, code: 'CONVERTER' };
        continue;
      }
      const outcomes = await this.decoder.script(tenantId, v.configuration.decoder!, idx.map((k) => inputOf(chunk[k]!)));
      idx.forEach((k, j) => (out[k] = outcomes[j]!));
    }
    return out;
  }

  /** Applies a chunk: each integration's messages through its live path, in receive order. */
  private async store(tenantId: string, converterId: string, chunk: ArchivedMessage[], deviceName: string | undefined, r: ReplayApplyResult): Promise<void> {
    const byIntegration = new Map<string, ArchivedMessage[]>();
    for (const m of chunk) (byIntegration.get(m.integrationId) ?? byIntegration.set(m.integrationId, []).get(m.integrationId)!).push(m);
    for (const [integrationId, msgs] of byIntegration) {
      let skipped = 0;
      const results = await storePast(
        this.runtime,
        tenantId,
        integrationId,
        async (inputs) => {
          const { outcomes } = await this.decoder.current(
            tenantId,
            converterId,
            inputs.map((i) => ({ payload: i.payload, metadata: i.metadata, receivedTime: i.receivedAt ?? Date.now() })),
          );
          if (!deviceName) return outcomes;
          // only that device's results are stored; a message without any is not part of the replay
          return outcomes.map((o) => {
            if (!o.ok) return o;
            const results = o.results.filter((x) => x.deviceName === deviceName);
            if (!results.length) skipped++;
            return { ...o, results };
          });
        },
        msgs.map((m) => ({ topic: m.topic, payload: m.payload, receivedTime: m.receivedTime })),
      );
      const stored = results.filter((x) => x.stored).length;
      r.messages += results.length - skipped;
      r.stored += stored - skipped;
      r.failed += results.length - stored;
    }
  }

  /** The edited script on the converter's last `limit` archived messages, against what the saved versions produced. */
  async testOnArchive(tenantId: string, converterId: string, req: TestOnArchiveRequest): Promise<TestOnArchiveResult> {
    await this.uplinkConverter(tenantId, converterId);
    const decoder = req.configuration.decoder;
    if (!decoder?.trim()) throw AppError.invalid('configuration.decoder is required', { field: 'configuration.decoder' });
    return this.slots.run(tenantId, () => this.testOn(tenantId, converterId, decoder, req.limit));
  }

  private async testOn(tenantId: string, converterId: string, decoder: string, limit: number): Promise<TestOnArchiveResult> {
    const msgs = await this.archive.latest(tenantId, converterId, limit);
    const saved = await this.decodeAsArchived(tenantId, converterId, msgs, { version: -1, outcomes: [] });
    const edited = await this.decoder.script(tenantId, decoder, msgs.map(inputOf));
    const result: TestOnArchiveResult = { messages: msgs.length, decoded: 0, failed: 0, changed: 0, samples: [] };
    const first: TestOnArchiveSample[] = [];
    const rest: TestOnArchiveSample[] = [];
    msgs.forEach((m, k) => {
      const s = outputsOf(saved[k]!);
      const e = edited[k]!;
      const ed = outputsOf(e);
      const changed = !isDeepStrictEqual(s, ed);
      if (e.ok) result.decoded++;
      else result.failed++;
      if (changed) result.changed++;
      const sample: TestOnArchiveSample = { topic: m.topic, receivedTime: m.receivedTime, saved: s, edited: ed, ...(e.ok ? {} : { error: e.error }) };
      if ((changed || !e.ok) && first.length < MAX_SAMPLES) first.push(sample);
      else if (!changed && e.ok && rest.length < MAX_SAMPLES) rest.push(sample);
    });
    result.samples = [...first, ...rest].slice(0, MAX_SAMPLES);
    return result;
  }

  private async uplinkConverter(tenantId: string, converterId: string): Promise<ConverterRecord> {
    const c = await this.converters.getRecord(tenantId, converterId);
    if (!c) throw ConverterError.notFound(converterId);
    if (c.type !== 'UPLINK') throw AppError.invalid(`Converter '${c.name}' is a downlink converter: only uplink messages are archived and replayed`);
    return c;
  }
}

/** Counts and samples of a dry run (changed first, at most MAX_SAMPLES). */
class DryRunTally {
  private readonly r: ReplayDryRunResult = { messages: 0, changed: 0, unchanged: 0, failed: 0, samples: [] };
  private readonly changed: ReplaySample[] = [];
  private readonly failed: ReplaySample[] = [];
  private readonly unchanged: ReplaySample[] = [];

  constructor(private readonly deviceName: string | undefined) {}

  add(m: ArchivedMessage, before: UplinkOutcome, after: UplinkOutcome): void {
    let b = outputsOf(before);
    let a = outputsOf(after);
    if (this.deviceName) {
      const only = (l: UplinkOutput[] | null) => l && l.filter((x) => x.deviceName === this.deviceName);
      b = only(b);
      a = only(a);
      const mentions = (b?.length ?? 0) + (a?.length ?? 0) > 0;
      if (!mentions && (after.ok || before.ok)) return;
    }
    this.r.messages++;
    const kind = !after.ok ? 'failed' : isDeepStrictEqual(b, a) ? 'unchanged' : 'changed';
    this.r[kind]++;
    const list = this[kind];
    if (list.length >= MAX_SAMPLES) return;
    const error = !after.ok ? after.error : !before.ok ? `Before: ${before.error}` : undefined;
    const n = Math.max(b?.length ?? 0, a?.length ?? 0, 1);
    for (let i = 0; i < n && list.length < MAX_SAMPLES; i++) {
      const deviceName = a?.[i]?.deviceName ?? b?.[i]?.deviceName ?? '';
      list.push({ deviceName, ts: m.receivedTime, before: b?.[i] ?? null, after: a?.[i] ?? null, ...(error ? { error } : {}) });
    }
  }

  result(): ReplayDryRunResult {
    return { ...this.r, samples: [...this.changed, ...this.failed, ...this.unchanged].slice(0, MAX_SAMPLES) };
  }
}
