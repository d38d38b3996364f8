import { HELP, parseOptions, UsageError } from './options.js';
import { BrokerUnreachableError, startSimulator, type Output } from './simulator.js';

const out: Output = {
  log: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof UsageError) {
      out.error(e.message);
      return 2;
    }
    throw e;
  }
  if (parsed.help) {
    out.log(HELP);
    return 0;
  }

  // Listen from the start, so Ctrl-C while connecting is a clean stop as well.
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let sim;
  try {
    sim = await Promise.race([startSimulator(parsed.options, out), stopSignal.then(() => null)]);
  } catch (e) {
    if (e instanceof BrokerUnreachableError) {
      out.error(e.message);
      return 1;
    }
    throw e;
  }
  if (!sim) {
    out.log('Stopped before the broker answered.');
    return 0;
  }

  const reason = await Promise.race([stopSignal, sim.lost.then((why) => ({ lost: why }))]);
  // A second Ctrl-C while disconnecting means "now".
  process.once('SIGINT', () => process.exit(130));
  const summary = await sim.stop();
  if (typeof reason === 'object') {
    out.error(reason.lost);
    out.log(summary);
    return 1;
  }
  out.log(summary);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    out.error(
      `The device simulator stopped on an unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
    process.exit(1);
  },
);
