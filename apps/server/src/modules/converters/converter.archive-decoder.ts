import { Injectable } from '@nestjs/common';
import { Sandbox, SandboxBusyError, ScriptCompileError, UPLINK_KIND, type RunResult } from '@bridgeboard/sandbox';
import { checkUplink } from './converter.output.js';
import { ConverterService, sandboxKey } from './converter.service.js';
import type { UplinkOutcome } from './converter.runtime.js';

/** An archived or quarantined message to decode again: its telemetry without a ts lands at `receivedTime`. */
export interface PastInput {
  payload: Uint8Array;
  metadata: Record<string, string>;
  receivedTime: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries while the tenant's sandbox queue is full: past messages wait their turn (live traffic goes
 * first) instead of failing as BUSY; gives up after `attempts` tries (about 3 minutes by default).
 */
export async function whenSandboxFree<T>(fn: () => Promise<T>, attempts = 100, baseMs = 50): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof SandboxBusyError) || attempt >= attempts) throw e;
      await sleep(Math.min(40 * baseMs, baseMs * 2 ** Math.min(attempt - 1, 6)));
    }
  }
}

const outcomeOf = (r: RunResult, receivedTime: number): UplinkOutcome => {
  if (!r.ok) return { ok: false, error: r.error, code: r.code };
  const c = checkUplink(r.value, receivedTime, r.marked === true);
  return c.ok ? { ok: true, results: c.value } : { ok: false, error: c.error, code: 'INVALID_OUTPUT' };
};

/**
 * Decodes past messages (issue 19: replay, quarantine reprocessing, tests on the archive): with a
 * converter's current version (its live compiled script, one sandbox call per batch), or with any
 * script text (an older version, an unsaved edit) in a throwaway isolate. A message's telemetry
 * without its own ts gets the message's receive time, so a replay lands where the first decode did.
 * Every sandbox call waits while the tenant's sandbox queue is full (whenSandboxFree).
 */
@Injectable()
export class ArchiveDecoder {
  constructor(
    private readonly converters: ConverterService,
    private readonly sandbox: Sandbox,
  ) {}

  /** With the converter's current version; `version` is that version's number. */
  async current(tenantId: string, converterId: string, inputs: PastInput[]): Promise<{ version: number; outcomes: UplinkOutcome[] }> {
    const c = await this.converters.getRecord(tenantId, converterId);
    if (!c) return { version: 0, outcomes: inputs.map(() => ({ ok: false, error: `Converter with id ${converterId} not found`, code: 'CONVERTER' })) };
    if (!inputs.length) return { version: c.version, outcomes: [] };
    try {
      await whenSandboxFree(() =>
        this.sandbox.compile(sandboxKey(converterId), UPLINK_KIND, c.configuration.decoder ?? '', {
          tenant: tenantId,
          label: `The decoder of converter '${c.name}'`,
        }),
      );
    } catch (e) {
      if (!(e instanceof ScriptCompileError)) throw e;
      const error = `The decoder of converter '${c.name}' does not compile: ${e.message}`;
      return { version: c.version, outcomes: inputs.map(() => ({ ok: false, error, code: 'CONVERTER' })) };
    }
    const batch = await whenSandboxFree(() => this.sandbox.runBatch(sandboxKey(converterId), inputs.map((i) => [i.payload, i.metadata])));
    return { version: c.version, outcomes: batch.results.map((r, k) => outcomeOf(r, inputs[k]!.receivedTime)) };
  }

  /** With a script that is not the live one (an older version, an edit not saved yet). */
  async script(tenantId: string, decoder: string, inputs: PastInput[]): Promise<UplinkOutcome[]> {
    if (!inputs.length) return [];
    try {
      const batch = await whenSandboxFree(() => this.sandbox.runOnce(UPLINK_KIND, decoder, inputs.map((i) => [i.payload, i.metadata]), { tenant: tenantId }));
      return batch.results.map((r, k) => outcomeOf(r, inputs[k]!.receivedTime));
    } catch (e) {
      if (!(e instanceof ScriptCompileError)) throw e;
      return inputs.map(() => ({ ok: false, error: `The decoder does not compile: ${e.message}`, code: 'CONVERTER' }));
    }
  }
}
