import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokens } from '../../app/api';
import { converterFixture } from '../../test/fixtures';
import { fakeFetch, page, renderAt } from '../../test/render';
import { ConverterPage } from './ConverterPage';
import { lineChanges, type ConverterVersion } from './lifecycle.api';

/** the first render of a file takes seconds on a loaded machine */
const SLOW = { timeout: 15_000 };

const ID = '00000000-0000-4000-8000-000000000001';
const V1 = 'var data = decodeToJson(payload);\nreturn { deviceName: "SN-001", telemetry: { temp: data.value } };';
const V2 = 'var data = decodeToJson(payload);\nreturn { deviceName: "SN-001", telemetry: { temperature: data.value } };';
const converter = (decoder: string, version = 2) => converterFixture(ID, { version, configuration: { scriptLang: 'JS', decoder } });
const version = (n: number, decoder: string, comment: string | null): ConverterVersion => ({
  version: n,
  createdTime: 1_700_000_000_000 + n * 60_000,
  createdBy: { id: 'u', email: 'tenant@example.com' },
  comment,
  name: 'MQTT Uplink',
  configuration: { scriptLang: 'JS', decoder },
});

describe('Converter history', () => {
  it('lists the versions newest first with their user and comment, and compares one with the current script', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch((c) => {
      if (c.url === `/api/converter/${ID}`) return [200, converter(V2)];
      if (c.url.startsWith(`/api/converter/${ID}/versions`)) return [200, page([version(2, V2, 'temperature key'), version(1, V1, null)])];
      return [200, {}];
    });
    renderAt(<ConverterPage />, { route: `/converters/${ID}/history`, path: '/converters/:id/:tab?' });
    const table = await screen.findByRole('table', { name: 'Versions' }, SLOW);
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    const [, newest, oldest] = within(table).getAllByRole('row');
    expect(newest!.textContent).toContain('Current');
    expect(newest!.textContent).toContain('tenant@example.com');
    expect(newest!.textContent).toContain('temperature key');
    expect(within(newest!).queryByRole('button', { name: 'Restore version 2' })).toBeNull();
    expect(calls.find((c) => c.url.includes('/versions'))!.url).toBe(`/api/converter/${ID}/versions?page=0&pageSize=20`);

    await userEvent.click(within(oldest!).getByRole('button', { name: 'Compare version 1' }));
    const diff = screen.getByRole('region', { name: 'Version 1 compared with the current script' });
    expect(within(diff).getByLabelText('Diff summary').textContent).toBe('From version 1 to the current script: 1 line added, 1 line removed.');
    expect(diff.textContent).toContain('Current script');
  });

  it('restores a version after asking, and shows the restored script as saved', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    let versions = [version(2, V2, null), version(1, V1, null)];
    const { calls } = fakeFetch((c) => {
      if (c.url === `/api/converter/${ID}`) return [200, converter(V2)];
      if (c.method === 'POST' && c.url === `/api/converter/${ID}/versions/1/restore`) {
        versions = [version(3, V1, 'Restored version 1'), ...versions];
        return [200, converter(V1, 3)];
      }
      if (c.url.startsWith(`/api/converter/${ID}/versions`)) return [200, page(versions)];
      return [200, {}];
    });
    renderAt(<ConverterPage />, { route: `/converters/${ID}/history`, path: '/converters/:id/:tab?' });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore version 1' }, SLOW));
    const ask = await screen.findByRole('dialog', { name: 'Restore version 1?' });
    expect(ask.textContent).toContain('saved as a new version');
    await userEvent.click(within(ask).getByRole('button', { name: 'Restore' }));
    expect(await screen.findByText('Version 1 restored')).toBeTruthy();
    expect(calls.filter((c) => c.url.endsWith('/restore'))).toHaveLength(1);
    // the question closes (the page is hidden from the accessibility tree until it has)
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const table = await screen.findByRole('table', { name: 'Versions' }, SLOW);
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
    expect(within(table).getAllByRole('row')[1]!.textContent).toContain('Restored version 1');
    // the restored converter is what is saved now: nothing to save
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(within(table).getByRole('button', { name: 'Compare version 1' }));
    expect(screen.getByLabelText('Diff summary').textContent).toBe('Same script as the current one.');
  });

  it('sends the version comment with the save, then clears it', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch((c) => {
      if (c.url === `/api/converter/${ID}`) return [200, converter(V2)];
      if (c.method === 'POST' && c.url.startsWith('/api/converter?')) return [200, { ...converter(V2, 3), name: 'MQTT Uplink 2' }];
      return [200, page([])];
    });
    renderAt(<ConverterPage />, { route: `/converters/${ID}`, path: '/converters/:id/:tab?' });
    await userEvent.type(await screen.findByLabelText(/^Name/, {}, SLOW), ' 2');
    await userEvent.type(screen.getByLabelText('Version comment'), 'renamed');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Converter MQTT Uplink 2 saved');
    expect(calls.find((c) => c.method === 'POST')!.url).toBe('/api/converter?versionComment=renamed');
    expect((screen.getByLabelText('Version comment') as HTMLInputElement).value).toBe('');
  });
});

describe('lineChanges', () => {
  it('counts the lines added and removed between two scripts', () => {
    expect(lineChanges('a\nb\nc', 'a\nb\nc')).toEqual({ added: 0, removed: 0 });
    expect(lineChanges('a\nb\nc', 'a\nx\nc\nd')).toEqual({ added: 2, removed: 1 });
    expect(lineChanges('', 'a')).toEqual({ added: 1, removed: 1 });
  });
});
