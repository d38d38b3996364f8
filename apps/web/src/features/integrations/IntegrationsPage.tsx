import { Button, Chip, Stack } from '@mui/material';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { subscribe } from '../../app/socket';
import type { Column } from '../../ui/DataTable';
import { deleteColumn, ListPage, useDeleteRow, useList } from '../../ui/ListPage';
import { EmptyState } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { integrationsApi, type Integration, type IntegrationStatus } from './integrations.api';
import { StatusChip } from './StatusChip';
import { ImportButton } from '../transfer/ImportButton';

/** Integrations with their live connection state and message counters. */
export function IntegrationsPage() {
  const list = useList<Integration>({ sortProperty: 'createdTime', sortOrder: 'DESC' }, (query, signal) => integrationsApi.page(query, signal));
  const [live, setLive] = useState<Record<string, IntegrationStatus>>({});
  const navigate = useNavigate();

  const ids = (list.data?.data ?? []).map((i) => i.id.id).join(',');
  // one room per visible integration: status changes arrive without polling
  useEffect(() => {
    if (!ids) return;
    const stops = ids.split(',').map((id) =>
      subscribe(`integration:${id}`, (ev, p) => {
        if (ev === 'integrationStatus') setLive((s) => ({ ...s, [id]: p as IntegrationStatus }));
        if (ev === 'subscribed') integrationsApi.status(id).then((st) => setLive((s) => ({ ...s, [id]: st })), () => undefined);
      }),
    );
    return () => stops.forEach((s) => s());
  }, [ids]);

  const statusOf = (i: Integration) => live[i.id.id] ?? i.status;
  const remove = useDeleteRow<Integration>(list, {
    ask: (i) => ({ title: `Delete integration ${i.name}?`, message: 'It disconnects from the broker; devices and their data stay.' }),
    remove: (i) => integrationsApi.delete(i.id.id),
    done: (i) => `Integration ${i.name} deleted`,
  });

  const columns: Column<Integration>[] = [
    { key: 'createdTime', label: 'Created', sort: 'createdTime', width: 170, render: (i) => formatTime(i.createdTime) },
    {
      key: 'name',
      label: 'Name',
      sort: 'name',
      render: (i) => (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <span>{i.name}</span>
          {i.debugMode && <Chip size="small" color="warning" label="Debug" />}
        </Stack>
      ),
    },
    { key: 'type', label: 'Type', width: 80, render: (i) => i.type },
    { key: 'status', label: 'Status', render: (i) => <StatusChip status={statusOf(i)?.status} enabled={i.enabled} lastError={statusOf(i)?.lastError} /> },
    {
      key: 'counters',
      label: 'Messages in / out / errors',
      render: (i) => {
        const s = statusOf(i);
        return s ? `${s.messagesIn} / ${s.messagesOut} / ${s.errors}` : '—';
      },
    },
    { key: 'last', label: 'Last message', width: 170, render: (i) => formatTime(statusOf(i)?.lastMessageTime) },
    deleteColumn((i) => i.name, (i) => void remove(i), { iconSize: 'small' }),
  ];

  return (
    <ListPage
      list={list}
      title="Integrations"
      subtitle="Connections to MQTT brokers: messages on their topics go through the uplink converter to devices."
      actions={
        <>
          <ImportButton onImported={list.reload} />
          <Button variant="contained" onClick={() => navigate('/integrations/new')}>
            + Add integration
          </Button>
        </>
      }
      aria-label="Integrations"
      columns={columns}
      rowKey={(i) => i.id.id}
      onRowClick={(i) => navigate(`/integrations/${i.id.id}`)}
      noMatch={{ title: 'No integrations match', hint: 'Change the search text.' }}
      empty={
        <EmptyState
          title="No integrations yet"
          hint="Add an MQTT integration to subscribe to your broker's topics. You need an uplink converter for it; you can create one from the form."
          action={
            <Button variant="outlined" onClick={() => navigate('/integrations/new')}>
              Add integration
            </Button>
          }
        />
      }
    />
  );
}

export default IntegrationsPage;
