import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RuleChain } from '@bridgeboard/contracts';
import { tokens } from '../../app/api';
import { fakeFetch, page, renderAt } from '../../test/render';
import { RuleChainsPage } from './RuleChainsPage';

const chain = (n: number, name: string, root = false): RuleChain => ({
  id: { entityType: 'RULE_CHAIN', id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` },
  createdTime: 1_700_000_000_000 + n,
  tenantId: { entityType: 'TENANT', id: 't' },
  version: 1,
  name,
  type: 'CORE',
  firstRuleNodeId: null,
  root,
  debugMode: false,
  configuration: null,
  additionalInfo: null,
});

const listCalls = (calls: { method: string; url: string }[]) =>
  calls
    .filter((c) => c.method === 'GET' && c.url.startsWith('/api/ruleChains'))
    .map((c) => new URL(c.url, 'http://x').searchParams);

describe('RuleChainsPage', () => {
  it('lists the chains newest first, as every other list, with no delete button on the Root Rule Chain', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [200, page([chain(1, 'Root Rule Chain', true), chain(2, 'Alarms')])]);
    renderAt(<RuleChainsPage />, { route: '/rule-chains' });
    const table = await screen.findByRole('table', { name: 'Rule chains' });
    expect(await within(table).findByText('Alarms')).toBeTruthy();
    expect(within(table).getByRole('button', { name: 'Delete Alarms' })).toBeTruthy();
    expect(within(table).queryByRole('button', { name: 'Delete Root Rule Chain' })).toBeNull();
    expect(listCalls(calls)[0]!.get('sortOrder')).toBe('DESC');
  });

  it('deletes a chain only after asking, says so and lists again', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    let chains = [chain(1, 'Root Rule Chain', true), chain(2, 'Alarms')];
    const { calls } = fakeFetch((c) => {
      if (c.method === 'DELETE') {
        chains = chains.filter((x) => !c.url.endsWith(x.id.id));
        return [200, undefined];
      }
      return [200, page(chains)];
    });
    renderAt(<RuleChainsPage />, { route: '/rule-chains' });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Alarms' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete rule chain Alarms?' });
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Rule chain Alarms deleted')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('Alarms')).toBeNull());
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([
      `/api/ruleChain/${chain(2, '').id.id}`,
    ]);
  });

  it('says nothing matches when a search finds nothing, and keeps the search in the URL', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch((c) => [
      200,
      page(c.url.includes('textSearch') ? [] : [chain(1, 'Root Rule Chain', true)]),
    ]);
    const { router } = renderAt(<RuleChainsPage />, { route: '/rule-chains' });
    await screen.findByText('Root Rule Chain');
    await userEvent.type(screen.getByLabelText('Search by name'), 'zzz');
    expect(await screen.findByText('No rule chains match')).toBeTruthy();
    expect(listCalls(calls).at(-1)!.get('textSearch')).toBe('zzz');
    expect(router.state.location.search).toContain('textSearch=zzz');
  });

  it('asks for a name before creating a chain, then opens it', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch((c) =>
      c.method === 'POST' ? [200, chain(3, 'Alarms')] : [200, page([chain(1, 'Root Rule Chain', true)])],
    );
    renderAt(<RuleChainsPage />, { route: '/rule-chains' });
    await userEvent.click(await screen.findByRole('button', { name: 'Add rule chain' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add rule chain' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(within(dialog).getByText('Enter a name for the rule chain.')).toBeTruthy();
    await userEvent.type(within(dialog).getByLabelText('Name'), '  Alarms {Enter}');
    expect(await screen.findByTestId('location')).toHaveProperty(
      'textContent',
      `/rule-chains/${chain(3, '').id.id}`,
    );
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ name: 'Alarms', type: 'CORE' });
  });
});
