import { Button, Chip, IconButton, Stack, TextField, Tooltip } from '@mui/material';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { subscribe } from '../../app/socket';
import { useDebounced, useLoad, usePageParams } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { DeleteIcon } from '../../ui/icons';
import { DataTable, type Column } from '../../ui/DataTable';
import { EmptyState, ErrorAlert, PageHeader } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { integrationsApi, type Integration, type IntegrationStatus } from './integrations.api';
import { StatusChip } from './StatusChip';
import { ImportButton } from '../transfer/ImportButton';

/** Integrations with their live connection state and message counters. */
export function IntegrationsPage() {
  const [q, setQ] = usePageParams({ sortProperty: 'createdTime', sortOrder: 'DESC' });
  const [search, setSearch] = useState(q.textSearch);
  const debounced = useDebounced(search);
  const [live, setLive] = useState<Record<string, IntegrationStatus>>({});
  const navigate = useNavigate();
  const confirm = useConfirm();
  const notify = useNotify();

  useEffect(() => {
    if (debounced !== q.textSearch) setQ({ textSearch: debounced });
  }, [debounced]); // only when the debounced text changes

  const list = useLoad(
    (signal) => integrationsApi.page({ page: q.page, pageSize: q.pageSize, textSearch: q.textSearch, sortProperty: q.sortProperty, sortOrder: q.sortOrder }, signal),
    [q.page, q.pageSize, q.textSearch, q.sortProperty, q.sortOrder],
  );
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
  const remove = async (i: Integration) => {
    if (!(await confirm({ title: `Delete integration ${i.name}?`, message: 'It disconnects from the broker; devices and their data stay.' }))) return;
    try {
      await integrationsApi.delete(i.id.id);
      notify(`Integration ${i.name} deleted`);
      list.reload();
    } catch (e) {
      notify.error(e);
    }
  };

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
    {
      key: 'actions',
      label: '',
      width: 50,
      render: (i) => (
        <Tooltip title="Delete">
          <IconButton
            size="small"
            aria-label={`Delete ${i.name}`}
            onClick={(e) => {
              e.stopPropagation();
              void remove(i);
            }}
          >
            <DeleteIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      ),
    },
  ];

  return (
    <>
      <PageHeader
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
      />
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <TextField label="Search by name" value={search} onChange={(e) => setSearch(e.target.value)} sx={{ width: 280 }} type="search" />
      </Stack>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <DataTable
        aria-label="Integrations"
        columns={columns}
        rows={list.data?.data}
        rowKey={(i) => i.id.id}
        loading={list.loading}
        onRowClick={(i) => navigate(`/integrations/${i.id.id}`)}
        sort={{ property: q.sortProperty, order: q.sortOrder, onChange: (sortProperty, sortOrder) => setQ({ sortProperty, sortOrder }) }}
        paging={{ page: q.page, pageSize: q.pageSize, total: list.data?.totalElements ?? 0, onChange: (page, pageSize) => setQ({ page, pageSize }) }}
        empty={
          q.textSearch ? (
            <EmptyState title="No integrations match" hint="Change the search text." />
          ) : (
            <EmptyState
              title="No integrations yet"
              hint="Add an MQTT integration to subscribe to your broker's topics. You need an uplink converter for it; you can create one from the form."
              action={
                <Button variant="outlined" onClick={() => navigate('/integrations/new')}>
                  Add integration
                </Button>
              }
            />
          )
        }
      />
    </>
  );
}

export default IntegrationsPage;
