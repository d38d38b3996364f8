import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  Stack,
  TextField,
  Tooltip,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { DashboardInfo } from '@bridgeboard/contracts';
import { errorMessage } from '../../app/api';
import { useDebounced, useLoad, usePageParams } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { DataTable, type Column } from '../../ui/DataTable';
import { EmptyState, ErrorAlert, PageHeader } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { dashboardsApi, emptyConfiguration } from './dashboards.api';
import { DeleteIcon } from '../../ui/icons';
import { ImportButton } from '../transfer/ImportButton';

/** Dashboards: search and paging kept in the URL; a new dashboard opens in edit mode. */
export function DashboardsPage() {
  const [q, setQ] = usePageParams({ sortProperty: 'createdTime', sortOrder: 'DESC' });
  const [search, setSearch] = useState(q.textSearch);
  const debounced = useDebounced(search);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const confirm = useConfirm();
  const notify = useNotify();

  useEffect(() => {
    if (debounced !== q.textSearch) setQ({ textSearch: debounced });
  }, [debounced]);

  const list = useLoad(
    (signal) =>
      dashboardsApi.page(
        {
          page: q.page,
          pageSize: q.pageSize,
          textSearch: q.textSearch,
          sortProperty: q.sortProperty,
          sortOrder: q.sortOrder,
        },
        signal,
      ),
    [q.page, q.pageSize, q.textSearch, q.sortProperty, q.sortOrder],
  );

  const remove = async (d: DashboardInfo) => {
    if (
      !(await confirm({
        title: `Delete dashboard ${d.title}?`,
        message: 'Its widgets and aliases are deleted; devices and data stay.',
      }))
    )
      return;
    try {
      await dashboardsApi.delete(d.id.id);
      notify(`Dashboard ${d.title} deleted`);
      list.reload();
    } catch (e) {
      notify.error(e);
    }
  };

  const columns: Column<DashboardInfo>[] = [
    {
      key: 'createdTime',
      label: 'Created',
      sort: 'createdTime',
      width: 170,
      render: (d) => formatTime(d.createdTime),
    },
    { key: 'title', label: 'Title', sort: 'title', render: (d) => d.title },
    {
      key: 'actions',
      label: '',
      width: 50,
      render: (d) => (
        <Tooltip title="Delete">
          <IconButton
            size="small"
            aria-label={`Delete ${d.title}`}
            onClick={(e) => {
              e.stopPropagation();
              void remove(d);
            }}
          >
            <DeleteIcon />
          </IconButton>
        </Tooltip>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Dashboards"
        actions={
          <>
            <ImportButton onImported={list.reload} />
            <Button variant="contained" onClick={() => setCreating(true)} data-testid="dashboard-add">
              Add dashboard
            </Button>
          </>
        }
      />
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <TextField
          label="Search by title"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          sx={{ width: 280 }}
          type="search"
        />
      </Stack>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <DataTable
        aria-label="Dashboards"
        columns={columns}
        rows={list.data?.data}
        rowKey={(d) => d.id.id}
        loading={list.loading}
        onRowClick={(d) => navigate(`/dashboards/${d.id.id}`)}
        sort={{
          property: q.sortProperty,
          order: q.sortOrder,
          onChange: (sortProperty, sortOrder) => setQ({ sortProperty, sortOrder }),
        }}
        paging={{
          page: q.page,
          pageSize: q.pageSize,
          total: list.data?.totalElements ?? 0,
          onChange: (page, pageSize) => setQ({ page, pageSize }),
        }}
        empty={
          q.textSearch ? (
            <EmptyState title="No dashboards match" hint="Change the search text." />
          ) : (
            <EmptyState
              title="No dashboards yet"
              hint="A dashboard shows your devices' data and controls them: add one, then an entity alias and widgets."
              action={
                <Button variant="outlined" onClick={() => setCreating(true)}>
                  Add dashboard
                </Button>
              }
            />
          )
        }
      />
      <CreateDashboardDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => navigate(`/dashboards/${id}?edit=1`)}
      />
    </>
  );
}

function CreateDashboardDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(id: string): void;
}) {
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      setTitle('');
      setError(null);
    }
  }, [open]);
  const create = async () => {
    if (!title.trim()) return setError('Enter a title for the dashboard.');
    setBusy(true);
    try {
      const d = await dashboardsApi.save({ title: title.trim(), configuration: emptyConfiguration() });
      onCreated(d.id.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} maxWidth="xs" fullWidth>
      <DialogTitle>Add dashboard</DialogTitle>
      <DialogContent>
        <TextField
          autoFocus
          fullWidth
          label="Title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void create()}
          error={!!error}
          helperText={error ?? ' '}
          sx={{ mt: 1 }}
          slotProps={{ htmlInput: { 'data-testid': 'dashboard-title' } }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          onClick={() => void create()}
          disabled={busy}
          data-testid="dashboard-create"
        >
          Add
        </Button>
      </DialogActions>
    </Dialog>
  );
}
