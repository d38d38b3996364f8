import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { tokens } from '../app/api';
import { fakeSocket } from '../test/fake-socket';
import { fakeFetch, renderAt } from '../test/render';
import { LatestValues } from './latest-values/LatestValues';
import { useTimeseries } from './telemetry';

const DEVICE = { id: 'dddddddd-0000-4000-8000-000000000001', name: 'SN-001' };

/** The stored telemetry the fake server answers with; a test changes it "while the socket is away". */
function server(initial: { ts: number; value: number }[]) {
  const db = { points: initial };
  const { calls } = fakeFetch((c) => {
    if (c.url.includes('/keys/timeseries')) return [200, ['temperature']];
    if (c.url.includes('/values/timeseries')) {
      const startTs = Number(new URL(c.url, 'http://x').searchParams.get('startTs') ?? 0);
      const pts = db.points.filter((p) => p.ts >= startTs);
      return [200, { temperature: c.url.includes('startTs') ? pts : pts.slice(-1) }];
    }
    return [200, {}];
  });
  return { db, calls };
}

const reconnect = () =>
  act(async () => {
    fakeSocket.serverEmit('disconnect', 'transport close');
    fakeSocket.serverEmit('connect', undefined);
    await Promise.resolve();
  });

function Series() {
  const { series, loading } = useTimeseries(DEVICE.id, ['temperature'], 60_000);
  if (loading) return <p>loading</p>;
  return <p data-testid="series">{(series.temperature ?? []).map((p) => String(p.value)).join(',')}</p>;
}

describe('dashboard widgets after the socket reconnects', () => {
  it('the latest values card shows a value stored while it was reconnecting', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const now = Date.now();
    const { db } = server([{ ts: now - 1000, value: 21 }]);
    renderAt(
      <LatestValues
        widget={{} as never}
        settings={{ decimals: 1, showTimestamp: false }}
        device={DEVICE}
        dataKeys={[{ name: 'temperature', type: 'timeseries' } as never]}
        editing={false}
      />,
    );
    await waitFor(() => expect(screen.getByTestId('latest-temperature').textContent).toContain('21.0'));
    // sent while the connection was down: no live event reached the page
    db.points = [...db.points, { ts: now, value: 27.4 }];
    await reconnect();
    await waitFor(() => expect(screen.getByTestId('latest-temperature').textContent).toContain('27.4'));
  });

  it('the chart gets the points stored while it was reconnecting, and keeps the live ones', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const now = Date.now();
    const { db } = server([{ ts: now - 3000, value: 1 }]);
    renderAt(<Series />);
    await waitFor(() => expect(screen.getByTestId('series').textContent).toBe('1'));
    db.points = [...db.points, { ts: now - 2000, value: 2 }];
    await reconnect();
    await waitFor(() => expect(screen.getByTestId('series').textContent).toBe('1,2'));
    act(() =>
      fakeSocket.serverEmit('telemetry', {
        deviceId: DEVICE.id,
        data: { temperature: [{ ts: Date.now(), value: 3 }] },
      }),
    );
    await waitFor(() => expect(screen.getByTestId('series').textContent).toBe('1,2,3'));
  });
});
