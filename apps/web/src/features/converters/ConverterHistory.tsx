import { Alert, Box, Button, Chip, Paper, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import type { Converter } from '@bridgeboard/contracts';
import { useLoad } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorAlert, EmptyState } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { lifecycleApi, lineChanges, scriptOf, type ConverterVersion } from './lifecycle.api';
import { ScriptDiff } from './ScriptDiff';

export interface ConverterHistoryProps {
  converterId: string;
  /** the script in the editor: what a version is compared with */
  current: string;
  /** the editor holds unsaved edits (a restore discards them) */
  dirty: boolean;
  onRestored: (c: Converter) => void;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Every save of the converter, newest first; a version compared with the current script, and restored in one click. */
export function ConverterHistory({ converterId, current, dirty, onRestored }: ConverterHistoryProps) {
  const notify = useNotify();
  const confirm = useConfirm();
  const [paging, setPaging] = useState({ page: 0, pageSize: 20 });
  const [selected, setSelected] = useState<ConverterVersion | null>(null);
  const [busy, setBusy] = useState(false);
  const list = useLoad((signal) => lifecycleApi.versions(converterId, paging, signal), [converterId, paging.page, paging.pageSize]);
  const latest = paging.page === 0 ? list.data?.data[0]?.version : undefined;

  const restore = async (v: ConverterVersion) => {
    const ok = await confirm({
      title: `Restore version ${v.version}?`,
      message: `The converter's script becomes the one of version ${v.version} (${formatTime(v.createdTime)}), saved as a new version.${dirty ? ' Your unsaved edits are discarded.' : ''}`,
      confirmText: 'Restore',
    });
    if (!ok) return;
    setBusy(true);
    try {
      const c = await lifecycleApi.restore(converterId, v.version);
      onRestored(c);
      notify(`Version ${v.version} restored`);
      setSelected(null);
      setPaging((p) => ({ ...p, page: 0 }));
      list.reload();
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(false);
    }
  };

  const columns: Column<ConverterVersion>[] = [
    { key: 'version', label: 'Version', width: 90, render: (v) => (
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <span>{v.version}</span>
        {v.version === latest && <Chip size="small" label="Current" color="primary" variant="outlined" />}
      </Stack>
    ) },
    { key: 'time', label: 'Time', width: 180, render: (v) => formatTime(v.createdTime) },
    { key: 'user', label: 'User', width: 220, render: (v) => v.createdBy?.email ?? '—' },
    { key: 'comment', label: 'Comment', render: (v) => v.comment ?? '' },
    {
      key: 'actions',
      label: '',
      width: 200,
      render: (v) => (
        <Stack direction="row" spacing={1} onClick={(e) => e.stopPropagation()}>
          <Button size="small" onClick={() => setSelected(v)} aria-label={`Compare version ${v.version}`} variant={selected?.version === v.version ? 'contained' : 'text'}>
            Compare
          </Button>
          {(v.version !== latest || dirty) && (
            <Button size="small" color="warning" onClick={() => void restore(v)} disabled={busy} aria-label={`Restore version ${v.version}`}>
              Restore
            </Button>
          )}
        </Stack>
      ),
    },
  ];

  return (
    <Stack spacing={2}>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <DataTable
        aria-label="Versions"
        columns={columns}
        rows={list.data?.data}
        rowKey={(v) => String(v.version)}
        loading={list.loading}
        onRowClick={setSelected}
        rowSx={(v) => (selected?.version === v.version ? { bgcolor: 'action.selected' } : undefined)}
        empty={<EmptyState title="No versions yet" hint="Each save of the converter is kept here as a version." />}
        paging={{ ...paging, total: list.data?.totalElements ?? 0, onChange: (page, pageSize) => setPaging({ page, pageSize }) }}
      />
      {selected ? <VersionDiff version={selected} current={current} dirty={dirty} /> : !!list.data?.data.length && <Alert severity="info">Choose a version to compare it with the current script.</Alert>}
    </Stack>
  );
}

function VersionDiff({ version, current, dirty }: { version: ConverterVersion; current: string; dirty: boolean }) {
  const old = scriptOf(version.configuration);
  const { added, removed } = lineChanges(old, current);
  const same = added === 0 && removed === 0 && old === current;
  return (
    <Paper variant="outlined" sx={{ overflow: 'hidden' }} role="region" aria-label={`Version ${version.version} compared with the current script`}>
      <Box sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', px: 1.5, py: 0.75, borderBottom: 1, borderColor: 'divider' }}>
        <Typography variant="subtitle2">
          Version {version.version} · {formatTime(version.createdTime)}
        </Typography>
        <Typography variant="subtitle2">{dirty ? 'Current script (unsaved edits)' : 'Current script'}</Typography>
      </Box>
      <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, py: 0.5 }} aria-label="Diff summary">
        {same ? 'Same script as the current one.' : `From version ${version.version} to the current script: ${plural(added, 'line')} added, ${plural(removed, 'line')} removed.`}
      </Typography>
      <ScriptDiff original={old} modified={current} height={480} ariaLabel={`Diff of version ${version.version} against the current script`} />
    </Paper>
  );
}
