import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { tokens } from '../../app/api';
import { fakeFetch, renderAt } from '../../test/render';
import { AttributesTab } from './AttributesTab';
import TelemetryChartTab from './TelemetryChartTab';

const ID = 'dddddddd-0000-4000-8000-000000000001';

describe('device tabs', () => {
  it('the chart starts with the numeric keys only: a text key such as rpcReceived is not preselected', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const now = Date.now();
    const { calls } = fakeFetch((c) => {
      if (c.url.includes('/keys/timeseries')) return [200, ['rpcReceived', 'temperature']];
      const q = new URL(c.url, 'http://x').searchParams;
      if (c.url.includes('/values/timeseries') && !q.get('startTs'))
        return [200, { rpcReceived: [{ ts: now, value: 'OK' }], temperature: [{ ts: now, value: 25.1 }] }];
      return [200, { temperature: [{ ts: now, value: 25.1 }] }];
    });
    renderAt(<TelemetryChartTab deviceId={ID} />);
    await waitFor(() =>
      expect(calls.some((c) => new URL(c.url, 'http://x').searchParams.get('startTs'))).toBe(true),
    );
    const history = calls.filter((c) => new URL(c.url, 'http://x').searchParams.get('startTs'));
    expect(history.map((c) => new URL(c.url, 'http://x').searchParams.get('keys'))).toEqual(['temperature']);
  });

  it('the attributes tab says which scope each attribute is in', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [200, [{ key: 'firmware', value: '1.2', lastUpdateTs: 1_800_000_000_000 }]]);
    renderAt(<AttributesTab deviceId={ID} />);
    const table = await screen.findByRole('table', { name: 'Server attributes' });
    expect(within(table).getByRole('columnheader', { name: 'Scope' })).toBeTruthy();
    expect(await within(table).findByText('SERVER_SCOPE')).toBeTruthy();
  });
});
