import {
  Button,
  Chip,
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
import type { RuleChain } from '@bridgeboard/contracts';
import { errorMessage } from '../../app/api';
import { useDebounced, useLoad, usePageParams } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { DataTable, type Column } from '../../ui/DataTable';
import { EmptyState, ErrorAlert, PageHeader } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { ruleChainsApi } from './ruleChains.api';
import { DeleteIcon } from '../../ui/icons';
import { ImportButton } from '../transfer/ImportButton';

/** Rule chains: the tenant's Root Rule Chain and any others; search and paging kept in the URL. */
export function RuleChainsPage() {
  const [q, setQ] = usePageParams({ sortProperty: 'createdTime', sortOrder: 'ASC' });
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
      ruleChainsApi.page(
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

  const remove = async (c: RuleChain) => {
    if (
      !(await confirm({
        title: `Delete rule chain ${c.name}?`,
        message: 'Its nodes and connections are deleted too.',
      }))
    )
      return;
    try {
      await ruleChainsApi.delete(c.id.id);
      notify(`Rule chain ${c.name} deleted`);
      list.reload();
    } catch (e) {
      notify.error(e);
    }
  };

  const columns: Column<RuleChain>[] = [
    {
      key: 'createdTime',
      label: 'Created',
      sort: 'createdTime',
      width: 170,
      render: (c) => formatTime(c.createdTime),
    },
    { key: 'name', label: 'Name', sort: 'name', render: (c) => c.name },
    {
      key: 'root',
      label: 'Root',
      width: 80,
      render: (c) => (c.root ? <Chip size="small" color="primary" label="Root" /> : ''),
    },
    {
      key: 'actions',
      label: '',
      width: 50,
      render: (c) =>
        c.root ? null : (
          <Tooltip title="Delete">
            <IconButton
              size="small"
              aria-label={`Delete ${c.name}`}
              onClick={(e) => {
                e.stopPropagation();
                void remove(c);
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
        title="Rule chains"
        actions={
          <>
            <ImportButton onImported={list.reload} />
            <Button variant="contained" onClick={() => setCreating(true)}>
              Add rule chain
            </Button>
          </>
        }
      />
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <TextField
          label="Search by name"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          sx={{ width: 280 }}
          type="search"
        />
      </Stack>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <DataTable
        aria-label="Rule chains"
        columns={columns}
        rows={list.data?.data}
        rowKey={(c) => c.id.id}
        loading={list.loading}
        onRowClick={(c) => navigate(`/rule-chains/${c.id.id}`)}
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
            <EmptyState title="No rule chains match" hint="Change the search text." />
          ) : (
            <EmptyState
              title="No rule chains"
              hint="Every tenant gets a Root Rule Chain; add another to split your processing."
            />
          )
        }
      />
      <CreateRuleChainDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => navigate(`/rule-chains/${id}`)}
      />
    </>
  );
}

function CreateRuleChainDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(id: string): void;
}) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      setName('');
      setError(null);
    }
  }, [open]);
  const create = async () => {
    if (!name.trim()) return setError('Enter a name for the rule chain.');
    setBusy(true);
    try {
      onCreated((await ruleChainsApi.create(name.trim())).id.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} maxWidth="xs" fullWidth>
      <DialogTitle>Add rule chain</DialogTitle>
      <DialogContent>
        <TextField
          autoFocus
          fullWidth
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void create()}
          error={!!error}
          helperText={error ?? ' '}
          sx={{ mt: 1 }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={() => void create()} disabled={busy}>
          Add
        </Button>
      </DialogActions>
    </Dialog>
  );
}
