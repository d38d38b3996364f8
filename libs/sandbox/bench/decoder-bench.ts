// Decoder throughput: the guide's first decoder (verbatim), one message per sandbox call and 100 per call.
// Run: pnpm --filter @bridgeboard/sandbox bench
import { GUIDE_DECODER } from '@bridgeboard/contracts';
import { Sandbox, UPLINK_KIND } from '../src/index.js';

const sb = new Sandbox();
await sb.compile('bench', UPLINK_KIND, GUIDE_DECODER);
const msg = (i: number) => [
  Array.from(Buffer.from(JSON.stringify({ value: 20 + (i % 100) / 10 }))),
  { topic: 'tb/mqtt-integration-tutorial/sensors/SN-001/temperature', integrationName: 'MQTT Integration' },
];

async function measure(label: string, perCall: number, seconds: number): Promise<void> {
  const batch = Array.from({ length: perCall }, (_, i) => msg(i));
  for (let i = 0; i < 20; i++) await sb.runBatch('bench', batch); // warm-up
  let runs = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(seconds * 1e9);
  while (process.hrtime.bigint() < end) {
    const r = await sb.runBatch('bench', batch);
    if (!r.results.every((x) => x.ok))
      throw new Error(`decoder failed: ${JSON.stringify(r.results.find((x) => !x.ok))}`);
    runs += perCall;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${label.padEnd(28)} ${Math.round(runs / secs)
      .toString()
      .padStart(8)} runs/s  (${runs} runs in ${secs.toFixed(1)} s)`,
  );
}

await measure('one by one (1 per call)', 1, 3);
await measure('batched (100 per call)', 100, 3);
sb.dispose();
