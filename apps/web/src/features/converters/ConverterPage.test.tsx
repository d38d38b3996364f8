import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokens } from '../../app/api';
import { converterFixture } from '../../test/fixtures';
import { fakeFetch, renderAt } from '../../test/render';
import { ConverterPage } from './ConverterPage';

const ID = '00000000-0000-4000-8000-000000000001';
const converter = converterFixture(ID);

describe('ConverterPage', () => {
  it('leaves without asking when nothing changed', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch((c) => (c.url === `/api/converter/${ID}` ? [200, converter] : [200, {}]));
    const { router } = renderAt(<ConverterPage />, {
      route: `/converters/${ID}`,
      path: '/converters/:id/:tab?',
    });
    await screen.findByLabelText(/^Name/);
    await act(() => router.navigate('/devices'));
    expect(router.state.location.pathname).toBe('/devices');
  });

  it('asks before leaving with unsaved changes; Stay keeps them, and the browser is asked on reload', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch((c) => (c.url === `/api/converter/${ID}` ? [200, converter] : [200, {}]));
    const { router } = renderAt(<ConverterPage />, {
      route: `/converters/${ID}`,
      path: '/converters/:id/:tab?',
    });
    await userEvent.type(await screen.findByLabelText(/^Name/), ' v2');
    const unload = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(unload);
    expect(unload.defaultPrevented).toBe(true);
    await act(() => router.navigate('/integrations'));
    expect(await screen.findByRole('dialog', { name: 'Discard unsaved changes?' })).toBeTruthy();
    expect(screen.getByText(/You changed the converter without saving/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Stay' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(router.state.location.pathname).toBe(`/converters/${ID}`);
    expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe('MQTT Uplink v2');
    // its own Events tab is the same page: the edit stays, nothing to ask
    await act(() => router.navigate(`/converters/${ID}/events`));
    expect(router.state.location.pathname).toBe(`/converters/${ID}/events`);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe('MQTT Uplink v2');
  });
  it('asks before saving a decoder whose last test failed at run time', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch((c) =>
      c.url === `/api/converter/${ID}`
        ? [200, converter]
        : c.url.startsWith('/api/converter/testUpLink')
          ? [200, { output: '', error: "TypeError: Cannot read properties of null (reading '1')" }]
          : [200, {}],
    );
    renderAt(<ConverterPage />, { route: `/converters/${ID}`, path: '/converters/:id/:tab?' });
    await userEvent.type(await screen.findByLabelText(/^Name/), ' v2');
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    await screen.findByRole('alert', { name: 'Test error' });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const ask = await screen.findByRole('dialog', { name: 'Save a decoder that failed its last test?' });
    expect(ask.textContent).toContain('Cannot read properties of null');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.filter((c) => c.method === 'POST' && c.url === '/api/converter')).toEqual([]);
  });
});
