import type { Budget, RawBatch } from './isolate-runner.js';
import type { ScriptKind } from './kinds.js';

/** What the pool asks a sandbox worker process (IPC, Node's advanced serialization). */
export type WorkerRequest =
  | { id: number; op: 'compile'; key: string; kind: ScriptKind; body: string }
  | {
      id: number;
      op: 'run';
      key: string;
      args: unknown[][];
      budget?: Budget;
      /** sent when the pool does not know this worker to hold the script (a fresh or replaced worker) */
      script?: { kind: ScriptKind; body: string };
    }
  | { id: number; op: 'once'; kind: ScriptKind; body: string; args: unknown[][] }
  | { id: number; op: 'check'; kind: ScriptKind; body: string }
  | { id: 0; op: 'release'; key: string };

export interface WireError {
  name: string;
  message: string;
  line?: number;
  column?: number;
}

/** What a worker answers. `stuck`: calls V8 could not interrupt; the worker exits right after. */
export type WorkerReply =
  | { id: number; ok: true; result?: RawBatch }
  | { id: number; ok: false; error: WireError }
  | { op: 'stuck'; ids: number[] };
