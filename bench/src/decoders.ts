import { GUIDE_DECODER } from '@bridgeboard/contracts';

/**
 * The variant of the guide's uplink decoder (GUIDE_DECODER, from @bridgeboard/contracts) that the
 * benchmark counts with. It differs in one line: telemetry carries `ts: data.t` (the publish time the
 * publisher puts in the payload), so each message is one stored row (two messages of one device
 * decoded in the same millisecond would otherwise overwrite each other) and latency can be read back.
 */
export const BENCH_DECODER = GUIDE_DECODER.replace(
  'telemetry: {\n       temperature: data.value,\n   }',
  'telemetry: {\n       ts: data.t,\n       values: { temperature: data.value },\n   }',
);
if (BENCH_DECODER === GUIDE_DECODER) throw new Error('bench decoder variant did not apply');

/** The guide's topic, behind a per-run prefix so the load never reaches anyone else's subscriptions. */
export const topicOf = (prefix: string, device: string) =>
  `${prefix}/tb/mqtt-integration-tutorial/sensors/${device}/temperature`;
export const filterOf = (prefix: string) => `${prefix}/tb/mqtt-integration-tutorial/sensors/+/temperature`;
