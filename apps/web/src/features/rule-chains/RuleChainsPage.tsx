import { Button, Chip } from '@mui/material';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { RuleChain } from '@bridgeboard/contracts';
import type { Column } from '../../ui/DataTable';
import { deleteColumn, ListPage, useDeleteRow, useList } from '../../ui/ListPage';
import { NameDialog } from '../../ui/NameDialog';
import { EmptyState } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { ruleChainsApi } from './ruleChains.api';
import { ImportButton } from '../transfer/ImportButton';

/** Rule chains: the tenant's Root Rule Chain and any others; search and paging kept in the URL. */
export function RuleChainsPage() {
  // newest first, as every other list
  const list = useList<RuleChain>({ sortProperty: 'createdTime', sortOrder: 'DESC' }, (query, signal) =>
    ruleChainsApi.page(query, signal),
  );
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();

  const remove = useDeleteRow<RuleChain>(list, {
    ask: (c) => ({
      title: `Delete rule chain ${c.name}?`,
      message: 'Its nodes and connections are deleted too.',
    }),
    remove: (c) => ruleChainsApi.delete(c.id.id),
    done: (c) => `Rule chain ${c.name} deleted`,
  });

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
    // the Root Rule Chain cannot be deleted
    deleteColumn(
      (c) => c.name,
      (c) => void remove(c),
      { hidden: (c) => c.root },
    ),
  ];

  return (
    <ListPage
      list={list}
      title="Rule chains"
      actions={
        <>
          <ImportButton onImported={list.reload} />
          <Button variant="contained" onClick={() => setCreating(true)}>
            Add rule chain
          </Button>
        </>
      }
      aria-label="Rule chains"
      columns={columns}
      rowKey={(c) => c.id.id}
      onRowClick={(c) => navigate(`/rule-chains/${c.id.id}`)}
      noMatch={{ title: 'No rule chains match', hint: 'Change the search text.' }}
      empty={
        <EmptyState
          title="No rule chains"
          hint="Every tenant gets a Root Rule Chain; add another to split your processing."
        />
      }
    >
      <NameDialog
        open={creating}
        onClose={() => setCreating(false)}
        title="Add rule chain"
        label="Name"
        missing="Enter a name for the rule chain."
        onSubmit={async (name) => {
          const c = await ruleChainsApi.create(name);
          void navigate(`/rule-chains/${c.id.id}`);
        }}
      />
    </ListPage>
  );
}
