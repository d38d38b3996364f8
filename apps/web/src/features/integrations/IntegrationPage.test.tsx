import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Converter } from '@bridgeboard/contracts';
import { tokens } from '../../app/api';
import { converterFixture, integrationFixture } from '../../test/fixtures';
import { fakeFetch, page, renderAt } from '../../test/render';
import { IntegrationPage } from './IntegrationPage';

const converter = (n: number, type: 'UPLINK' | 'DOWNLINK', name: string): Converter =>
  converterFixture(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, { name, type, configuration: { scriptLang: 'JS' } });
const up = converter(1, 'UPLINK', 'MQTT Uplink');
const down = converter(2, 'DOWNLINK', 'MQTT Downlink');
const ID = '00000000-0000-4000-8000-000000000009';
const integration = integrationFixture(ID, { defaultConverterId: up.id, downlinkConverterId: down.id });

/** converters of the asked type; the integration itself */
function backend(converters: Converter[]) {
  return fakeFetch((c) => {
    if (c.url.startsWith('/api/converters')) {
      const type = new URL(c.url, 'http://x').searchParams.get('type');
      return [200, page(converters.filter((x) => x.type === type))];
    }
    if (c.url.startsWith(`/api/integration/${ID}/status`)) return [200, integration.status];
    if (c.url.startsWith(`/api/integration/${ID}`)) return [200, integration];
    return [200, {}];
  });
}

describe('IntegrationPage', () => {
  it('preselects the only uplink and the only downlink converter of a new integration, and leaves without asking', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    backend([up, down]);
    const { router } = renderAt(<IntegrationPage />, {
      route: '/integrations/new',
      path: '/integrations/:id/:tab?',
    });
    // the first render of the file's first test takes seconds on a loaded machine
    await waitFor(() => expect((screen.getByLabelText(/Uplink data converter/) as HTMLInputElement).value).toBe('MQTT Uplink'), { timeout: 15_000 });
    await waitFor(() =>
      expect((screen.getByLabelText(/Downlink data converter/) as HTMLInputElement).value).toBe(
        'MQTT Downlink',
      ),
    );
    // a choice made for the user is not an edit of theirs
    await act(() => router.navigate('/devices'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(router.state.location.pathname).toBe('/devices');
  });

  it('chooses nothing when there are two uplink converters', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    backend([up, converter(3, 'UPLINK', 'Other uplink'), down]);
    renderAt(<IntegrationPage />, { route: '/integrations/new', path: '/integrations/:id/:tab?' });
    await waitFor(() =>
      expect((screen.getByLabelText(/Downlink data converter/) as HTMLInputElement).value).toBe(
        'MQTT Downlink',
      ),
    );
    expect((screen.getByLabelText(/Uplink data converter/) as HTMLInputElement).value).toBe('');
  });

  it('keeps Save off until something changed, and asks before leaving with changes; Stay keeps the text', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    backend([up, down]);
    const { router } = renderAt(<IntegrationPage />, {
      route: `/integrations/${ID}`,
      path: '/integrations/:id/:tab?',
    });
    const name = await screen.findByLabelText(/^Name/);
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(name, ' 2');
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(false);
    await act(() => router.navigate('/devices'));
    expect(await screen.findByRole('dialog', { name: 'Discard unsaved changes?' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Stay' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(router.state.location.pathname).toBe(`/integrations/${ID}`);
    expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe('MQTT Integration 2');
    await act(() => router.navigate('/devices'));
    await userEvent.click(await screen.findByRole('button', { name: 'Discard and leave' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/devices'));
  });
});
