import { Injectable } from '@nestjs/common';
import type { DebugEventBody } from '@bridgeboard/contracts';
import { DOWNLINK_KIND, Sandbox, ScriptCompileError, UPLINK_KIND } from '@bridgeboard/sandbox';
import { DebugEventService } from '../events/debug-event.service.js';
import { ConverterService, sandboxKey } from './converter.service.js';
import type { ConverterRecord } from './converter.repository.js';
import { checkDownlink, checkUplink, showOutput } from './converter.output.js';
import { describeInput } from './converter.debug.js';

export interface UplinkInput {
  payload: Uint8Array;
  metadata: Record<string, string>;
  /** arrival time, ms: the ts of telemetry the decoder gives none */
  receivedAt?: number;
  /** the uplink's trace id, carried by the debug event */
  traceId?: string;
}
export interface TsValues {
  ts: number;
  values: Record<string, unknown>;
}
export interface DecodedUplink {
  deviceName: string;
  deviceType: string;
  /** flat; nested objects kept as JSON values */
  attributes?: Record<string, unknown>;
  /** always normalised to [{ts, values}] (ts = now when absent) */
  telemetry?: TsValues[];
  rpcResponse?: { requestId?: string | number; data: unknown };
  /** kept, but probably not what the device meant (e.g. a timestamp in seconds): each becomes an ERROR debug event */
  warnings?: string[];
}
/** `version`: the converter version that decoded the message (issue 19: archived with it). */
export type UplinkOutcome = ({ ok: true; results: DecodedUplink[] } | { ok: false; error: string; code?: string }) & { version?: number };
export interface DownlinkInput {
  msg: unknown;
  metadata: Record<string, string>;
  msgType: string;
  integrationMetadata: Record<string, string>;
  /** the RPC's (or rule message's) trace id, carried by the debug event */
  traceId?: string;
}
export interface DownlinkResult {
  contentType: 'JSON' | 'TEXT' | 'BINARY';
  data: string;
  metadata: Record<string, string>;
}
export type DownlinkOutcome = { ok: true; result: DownlinkResult } | { ok: false; error: string };

/**
 * Runs saved converters on live traffic: one sandbox call per batch, outputs checked on the host,
 * a debug event per run while the converter's debug mode is on. Script problems become outcomes,
 * never exceptions, so one bad message or script cannot stop an integration.
 */
@Injectable()
export class ConverterRuntime {
  constructor(
    private readonly converters: ConverterService,
    private readonly sandbox: Sandbox,
    private readonly debugEvents: DebugEventService,
  ) {}

  async runUplink(tenantId: string, converterId: string, inputs: UplinkInput[]): Promise<UplinkOutcome[]> {
    if (!inputs.length) return [];
    const ready = await this.prepare(tenantId, converterId, 'UPLINK');
    if (typeof ready === 'string') return inputs.map(() => ({ ok: false, error: ready, code: 'CONVERTER' }));
    const last = inputs[inputs.length - 1]!;
    this.converters.noteInput(converterId, {
      type: 'UPLINK',
      ts: Date.now(),
      payload: Buffer.from(last.payload).toString('base64'),
      metadata: last.metadata,
    });
    const batch = await this.sandbox.runBatch(
      sandboxKey(converterId),
      // payload bytes cross to the sandbox worker as they are; it hands the script an array of numbers
      inputs.map((i) => [i.payload, i.metadata]),
    );
    const now = Date.now();
    const debug = this.converters.debugActive(ready, now);
    return batch.results.map((r, k) => {
      // telemetry without its own ts lands at the message's receive time (a replay of it lands there too)
      const outcome: UplinkOutcome = r.ok
        ? toUplink(checkUplink(r.value, inputs[k]!.receivedAt ?? now, r.marked === true))
        : { ok: false, error: r.error, code: r.code };
      outcome.version = ready.version;
      if (debug) {
        const input = inputs[k]!;
        this.record(tenantId, converterId, {
          ...describeInput(input.payload),
          out: r.ok ? showOutput(r.value) : '',
          metadata: input.metadata,
          error: outcome.ok ? '' : outcome.error,
        }, input.traceId);
      }
      return outcome;
    });
  }

  async runDownlink(tenantId: string, converterId: string, input: DownlinkInput): Promise<DownlinkOutcome> {
    const ready = await this.prepare(tenantId, converterId, 'DOWNLINK');
    if (typeof ready === 'string') return { ok: false, error: ready };
    const msgText = typeof input.msg === 'string' ? input.msg : JSON.stringify(input.msg ?? null);
    this.converters.noteInput(converterId, {
      type: 'DOWNLINK',
      ts: Date.now(),
      msg: msgText,
      metadata: input.metadata,
      msgType: input.msgType,
      integrationMetadata: input.integrationMetadata,
    });
    const batch = await this.sandbox.runBatch(sandboxKey(converterId), [
      [input.msg, input.metadata, input.msgType, input.integrationMetadata],
    ]);
    const r = batch.results[0]!;
    let outcome: DownlinkOutcome;
    if (!r.ok) outcome = { ok: false, error: r.error };
    else {
      const c = checkDownlink(r.value);
      outcome = c.ok ? { ok: true, result: c.value } : { ok: false, error: c.error };
    }
    if (this.converters.debugActive(ready, Date.now()))
      this.record(tenantId, converterId, {
        in: msgText,
        inContentType: 'JSON',
        out: r.ok ? showOutput(r.value) : '',
        metadata: { ...input.metadata, msgType: input.msgType },
        error: outcome.ok ? '' : outcome.error,
      }, input.traceId);
    return outcome;
  }

  /** The converter with its script compiled in the sandbox, or why it cannot run. */
  private async prepare(
    tenantId: string,
    converterId: string,
    type: 'UPLINK' | 'DOWNLINK',
  ): Promise<ConverterRecord | string> {
    const c = await this.converters.getRecord(tenantId, converterId);
    if (!c) return `Converter with id ${converterId} not found`;
    if (c.type !== type)
      return `Converter '${c.name}' is an ${c.type.toLowerCase()} converter, not ${type.toLowerCase()}`;
    const field = type === 'UPLINK' ? 'decoder' : 'encoder';
    try {
      await this.sandbox.compile(
        sandboxKey(converterId),
        type === 'UPLINK' ? UPLINK_KIND : DOWNLINK_KIND,
        c.configuration[field] ?? '',
        { tenant: tenantId, label: `The ${field} of converter '${c.name}'` },
      );
    } catch (e) {
      if (e instanceof ScriptCompileError)
        return `The ${field} of converter '${c.name}' does not compile: ${e.message}`;
      throw e;
    }
    return c;
  }

  private record(tenantId: string, converterId: string, body: DebugEventBody, traceId?: string): void {
    // Postgres jsonb refuses NUL characters (they appear in errors quoting binary input); show them escaped.
    const clean = hasNul(body) ? (withoutNul(body) as DebugEventBody) : body;
    this.debugEvents.record(tenantId, 'CONVERTER', converterId, 'DEBUG_CONVERTER', clean, traceId);
  }
}

const toUplink = (c: ReturnType<typeof checkUplink>): UplinkOutcome =>
  c.ok ? { ok: true, results: c.value } : { ok: false, error: c.error, code: 'INVALID_OUTPUT' };

/** Whether any string in `v` holds a NUL (almost never: then the body is used as it is, not copied). A loop, not recursion. */
const hasNul = (v: unknown): boolean => {
  const stack = [v];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x === 'string') {
      if (x.includes('\u0000')) return true;
    } else if (x && typeof x === 'object') {
      if (Array.isArray(x)) for (const y of x) stack.push(y);
      else for (const k in x) stack.push((x as Record<string, unknown>)[k]);
    }
  }
  return false;
};

/** Only for bodies that hold a NUL; their depth is bounded by the sandbox's encoder (64 levels). */
const withoutNul = (v: unknown): unknown =>
  typeof v === 'string'
    ? v.replaceAll('\u0000', '\\u0000')
    : Array.isArray(v)
      ? v.map(withoutNul)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNul(x)]))
        : v;
