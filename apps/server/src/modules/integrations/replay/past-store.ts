import type { IncomingMessage } from '../runtime/mqtt-connection.js';
import type { UplinkInput, UplinkOutcome } from '../runtime/ports.js';
import type { IntegrationRuntime } from '../runtime/integration-runtime.js';

/** A message received earlier (archived or quarantined), to store again through the live path. */
export interface PastMessage {
  topic: string;
  payload: Buffer;
  receivedTime: number;
}

/** `code`: the failure's kind when known (SCRIPT_ERROR, INVALID_OUTPUT, CRASHED...). */
export type PastResult = { stored: true } | { stored: false; error: string; code?: string };

/** Decodes a batch of past messages (one sandbox call); `receivedAt` is each message's original receive time. */
export type PastDecoder = (inputs: UplinkInput[]) => Promise<UplinkOutcome[]>;

/**
 * Stores past messages of one integration through its live uplink path (the same pipeline: one
 * sandbox call per batch, devices found or created, the tenant's Root Rule Chain, commit, then
 * "acknowledged"), decoded by `decode`. Resolves with each message's outcome once every one of them
 * is committed or failed; messages keep their order, so a device's values are written in order.
 */
export async function storePast(
  runtime: IntegrationRuntime,
  tenantId: string,
  integrationId: string,
  decode: PastDecoder,
  messages: PastMessage[],
): Promise<PastResult[]> {
  if (!messages.length) return [];
  const outcome = new Map<IncomingMessage, PastResult>();
  const pipeline = await runtime.pastPipeline(tenantId, integrationId, {
    converters: { runUplink: (_t, _c, inputs) => decode(inputs), find: async () => null },
    succeeded: (m) => void outcome.set(m, { stored: true }),
    // a warning after the message was stored (a timestamp in seconds) does not unstore it
    failed: (m, _md, error) => {
      if (!outcome.has(m)) outcome.set(m, { stored: false, error });
    },
    // failures this path would keep aside: the caller keeps its copy (the archive, the quarantine row)
    quarantine: async (items) => {
      for (const q of items) if (!outcome.has(q.m) || q.reported) outcome.set(q.m, { stored: false, error: q.error, code: q.code });
    },
    storageProblem: () => undefined,
  });
  if (!pipeline) return messages.map(() => ({ stored: false, error: `Integration with id ${integrationId} no longer exists` }));
  let left = messages.length;
  let allDone!: () => void;
  const done = new Promise<void>((r) => (allDone = r));
  const incoming = messages.map(
    (p): IncomingMessage => ({
      topic: p.topic,
      payload: p.payload,
      qos: 1,
      receivedAt: p.receivedTime,
      ack: () => {
        if (--left === 0) allDone();
      },
    }),
  );
  try {
    for (const m of incoming) await pipeline.enqueue(m);
    await done;
    // the last ack comes from inside the pipeline's loop: let it end, so stop() has nothing to wait for
    await new Promise((r) => setImmediate(r));
  } finally {
    await pipeline.stop();
  }
  return incoming.map((m) => outcome.get(m) ?? { stored: false, error: 'The message was not stored' });
}
