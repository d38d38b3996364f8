import type { RuleMsg } from '@bridgeboard/contracts';
import type { Delivery } from '../nodes/node.types.js';

export interface NodeFailure {
  nodeId: string;
  nodeName: string;
  error: string;
}

/** What became of one message (and of every message derived from it). */
export interface TellResult {
  deliveries: Delivery[];
  failures: NodeFailure[];
}

/** A database write error as plain data: `code` is Postgres' SQLSTATE, `status` set for an AppError (bad data). */
export interface WriteError {
  message: string;
  code?: string;
  status?: number;
}

export interface TellBatchResult {
  /** Index-aligned with the messages told. */
  results: TellResult[];
  /** Errors of the batch's database writes; non-empty means some data was NOT stored. */
  writeErrors: WriteError[];
}

/**
 * The rule engine as the rest of the platform sees it. The promise of tell/tellBatch resolves
 * when the messages' processing, including their database writes, is done; results are plain
 * data, so an implementation that forwards messages to other instances keeps the same contract.
 */
export abstract class RuleEngine {
  /** Runs the message through the tenant's Root Rule Chain (or the given chain). */
  abstract tell(tenantId: string, msg: RuleMsg, opts?: { ruleChainId?: string }): Promise<TellResult>;
  /** Runs many messages together; their Save nodes' writes are committed in one batch. */
  abstract tellBatch(
    tenantId: string,
    msgs: RuleMsg[],
    opts?: { ruleChainId?: string },
  ): Promise<TellBatchResult>;
  /** Forgets cached chains of the tenant (after their metadata changed). */
  abstract invalidate(tenantId: string): void;
}
