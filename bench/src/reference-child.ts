import type { FromFloor } from './floor.js';

/**
 * The protocol of a reference pipeline's child process (the floor, Node-RED): `start` with its config
 * answers `ready` (or `error` and exits), `stop` answers the counters and exits.
 */
export const send = (m: FromFloor, then?: () => void) => process.send!(m, undefined, {}, () => then?.());

export function serveReference<C>(start: (config: C) => Promise<() => Promise<FromFloor>>): void {
  let stop: (() => Promise<FromFloor>) | null = null;
  process.on('message', (m: { type: 'start'; config: C } | { type: 'stop' }) => {
    if (m.type === 'start')
      start(m.config).then(
        (s) => {
          stop = s;
          send({ type: 'ready' });
        },
        (e: Error) => send({ type: 'error', message: e.message }, () => process.exit(1)),
      );
    else if (stop) void stop().then((r) => send(r, () => process.exit(0)));
  });
}
