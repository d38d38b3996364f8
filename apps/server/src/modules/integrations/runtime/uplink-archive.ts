import type { IncomingMessage } from './mqtt-connection.js';
import type { RawMessage } from '../archive/raw-archive.repository.js';

/**
 * Issue 19 helpers of the uplink pipeline: which decoding failures are kept in the quarantine, and the
 * raw archive entry of a decoded message. Kept apart so the pipeline's own file changes little.
 */

/** Failures of the message under this converter (the script threw, ran too long, its result was refused or too large): kept with their error so a fixed converter can reprocess them. */
export const KEPT_FAILURES: ReadonlySet<string> = new Set(['SCRIPT_ERROR', 'TIMEOUT', 'RESULT_TOO_LARGE', 'ARGS_TOO_LARGE', 'INVALID_OUTPUT']);

/** One message of a batch as the archive keeps it (written in the batch's commit, once). */
export interface ArchiveItem {
  m: IncomingMessage;
  receivedTime: number;
  converterVersion: number;
}

/** The message's arrival time (set by the connection; a message handed in without one gets the time it was first decoded). */
export function receivedTimeOf(m: IncomingMessage): number {
  return (m.receivedAt ??= Date.now());
}

/** The archive rows of a batch of one integration. */
export function archiveRows(
  i: { tenantId: { id: string }; id: { id: string }; defaultConverterId: { id: string }; configuration: { metadata?: Record<string, string> } },
  items: ArchiveItem[],
): RawMessage[] {
  // topic and integrationName are not repeated per row: the archive adds them back when it is read
  const metadata = i.configuration.metadata && Object.keys(i.configuration.metadata).length ? i.configuration.metadata : null;
  return items.map((x) => ({
    receivedTime: x.receivedTime,
    tenantId: i.tenantId.id,
    integrationId: i.id.id,
    converterId: i.defaultConverterId.id,
    converterVersion: x.converterVersion,
    topic: x.m.topic,
    payload: x.m.payload,
    metadata,
  }));
}
