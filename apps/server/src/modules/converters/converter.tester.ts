import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type {
  ConverterTestCase,
  ConverterTestReply,
  ConverterTestResult,
  ConverterType,
  TestDownLinkRequest,
  TestUpLinkRequest,
} from '@bridgeboard/contracts';
import {
  DOWNLINK_KIND,
  Sandbox,
  ScriptCompileError,
  UPLINK_KIND,
  type RunResult,
} from '@bridgeboard/sandbox';
import { AppError } from '../../common/errors.js';
import { checkDownlink, checkUplink, showOutput } from './converter.output.js';

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** Decodes base64 strictly: a typo must not silently become other bytes. */
export function fromBase64(s: string, field: string): number[] {
  if (!BASE64.test(s)) throw AppError.invalid(`${field} must be base64 text`, { field });
  return Array.from(Buffer.from(s, 'base64'));
}

/** Parses a message given as JSON text; text that is not JSON is passed on as a string. */
export function parseMsg(msg: unknown): unknown {
  if (typeof msg !== 'string') return msg;
  try {
    return JSON.parse(msg);
  } catch {
    return msg;
  }
}

/**
 * Test runs of scripts that are not saved yet: the test endpoints and a converter's saved test
 * cases. Each runs in a throwaway isolate, so a test never disturbs live traffic or its counters.
 */
@Injectable()
export class ConverterTester {
  constructor(private readonly sandbox: Sandbox) {}

  async testUplink(tenantId: string, req: TestUpLinkRequest): Promise<ConverterTestReply> {
    const args = [fromBase64(req.payload, 'payload'), req.metadata];
    return this.reply(
      () => this.sandbox.runOnce(UPLINK_KIND, req.decoder, [args], { tenant: tenantId }),
      (v) => checkUplink(v, Date.now()),
    );
  }

  async testDownlink(tenantId: string, req: TestDownLinkRequest): Promise<ConverterTestReply> {
    const args = [parseMsg(req.msg), req.metadata, req.msgType, req.integrationMetadata];
    return this.reply(() => this.sandbox.runOnce(DOWNLINK_KIND, req.encoder, [args], { tenant: tenantId }), checkDownlink);
  }

  /** Runs saved test cases in one sandbox call. Throws ScriptCompileError when the script does not compile. */
  async runCases(
    tenantId: string,
    type: ConverterType,
    script: string,
    cases: ConverterTestCase[],
  ): Promise<ConverterTestResult[]> {
    const kind = type === 'UPLINK' ? UPLINK_KIND : DOWNLINK_KIND;
    if (!cases.length) {
      await this.sandbox.check(kind, script, { tenant: tenantId });
      return [];
    }
    const inputs: (unknown[] | string)[] = cases.map((c, i) => {
      if (type === 'DOWNLINK')
        return [
          parseMsg(c.msg ?? '{}'),
          c.metadata,
          c.msgType ?? 'RPC_CALL_FROM_SERVER_TO_DEVICE',
          c.integrationMetadata ?? {},
        ];
      try {
        return [fromBase64(c.payload ?? '', `testCases[${i}].payload`), c.metadata];
      } catch (e) {
        return (e as Error).message;
      }
    });
    const runnable = inputs.filter((x): x is unknown[] => typeof x !== 'string');
    const { results } = await this.sandbox.runOnce(kind, script, runnable, { tenant: tenantId });
    let k = 0;
    return cases.map((c, i) => {
      const input = inputs[i]!;
      if (typeof input === 'string') return { name: c.name, pass: false, output: '', error: input };
      const r = results[k++]!;
      const checked = this.check(r, type === 'UPLINK' ? (v) => checkUplink(v, Date.now()) : checkDownlink);
      let error = checked.error;
      if (
        !error &&
        c.expected !== undefined &&
        !isDeepStrictEqual(normalise(r.ok ? r.value : undefined), normalise(c.expected))
      )
        error = `The output differs from the expected output`;
      return { name: c.name, pass: !error, output: checked.output, error };
    });
  }

  private async reply(
    run: () => Promise<{ results: RunResult[]; consoleLines: string[] }>,
    validate: (v: unknown) => { ok: boolean; error?: string },
  ): Promise<ConverterTestReply> {
    try {
      const { results, consoleLines } = await run();
      return { ...this.check(results[0]!, validate), consoleLines };
    } catch (e) {
      if (e instanceof ScriptCompileError) return { output: '', error: e.message, consoleLines: [] };
      throw e;
    }
  }

  private check(
    r: RunResult,
    validate: (v: unknown) => { ok: boolean; error?: string },
  ): { output: string; error: string } {
    if (!r.ok) return { output: '', error: r.error };
    const c = validate(r.value);
    return { output: showOutput(r.value), error: c.ok ? '' : (c.error ?? 'invalid output') };
  }
}

const normalise = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
