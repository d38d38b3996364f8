import { Box, Button, Checkbox, LinearProgress, Paper, Stack, Table, TableBody, TableCell, TableContainer, TableHead, TablePagination, TableRow, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { useLoad } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { EmptyState, ErrorAlert } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { base64ToBytes, readablePayload } from '../converters/payload';
import { quarantineApi, type QuarantinedMessage } from './quarantine.api';

/** The payload's first characters in its most readable form (JSON, text, else hex). */
export function payloadPreview(base64: string, max = 80): string {
  let text: string;
  try {
    text = readablePayload(base64ToBytes(base64)).text;
  } catch {
    text = base64;
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * An integration's quarantine: the uplinks that failed to decode, with their error. Reprocess runs them
 * through the converter's current version (stored ones leave the quarantine); Delete discards them.
 */
export function QuarantineTable({ integrationId, onChanged }: { integrationId: string; /** after a reprocess or delete: the counts moved */ onChanged?: () => void }) {
  const notify = useNotify();
  const confirm = useConfirm();
  const [paging, setPaging] = useState({ page: 0, pageSize: 20 });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const list = useLoad((signal) => quarantineApi.page(integrationId, paging, signal), [integrationId, paging.page, paging.pageSize]);
  const rows = list.data?.data ?? [];
  const total = list.data?.totalElements ?? 0;
  const ids = selected.size ? [...selected] : undefined;

  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));

  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    try {
      notify(await what());
      setSelected(new Set());
      list.reload();
      onChanged?.();
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(false);
    }
  };
  const reprocess = (only?: string[]) =>
    act(async () => {
      const r = await quarantineApi.reprocess(integrationId, only);
      return `Reprocessed ${plural(r.reprocessed, 'message')}: ${r.stored} stored, ${r.failed} failed again`;
    });
  const remove = async (only?: string[]) => {
    const n = only ? only.length : total;
    if (!(await confirm({ title: `Delete ${only ? plural(n, 'selected message') : `all ${plural(n, 'quarantined message')}`}?`, message: 'They are discarded for good: they cannot be reprocessed afterwards.' }))) return;
    await act(async () => `Deleted ${plural((await quarantineApi.delete(integrationId, only)).deleted, 'message')}`);
  };

  return (
    <Stack spacing={1.5}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography sx={{ flex: 1 }} color="text.secondary">
          {selected.size ? `${selected.size} selected of ${total}` : `${plural(total, 'message')} in quarantine`}
        </Typography>
        {ids ? (
          <>
            <Button onClick={() => void reprocess(ids)} disabled={busy}>
              Reprocess selected
            </Button>
            <Button color="error" onClick={() => void remove(ids)} disabled={busy}>
              Delete selected
            </Button>
          </>
        ) : (
          <>
            <Button onClick={() => void reprocess()} disabled={busy || total === 0}>
              Reprocess all
            </Button>
            <Button color="error" onClick={() => void remove()} disabled={busy || total === 0}>
              Delete all
            </Button>
          </>
        )}
      </Stack>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <Paper variant="outlined">
        <Box sx={{ height: 4 }}>{(list.loading || busy) && <LinearProgress aria-label="Loading" />}</Box>
        <TableContainer>
          <Table size="small" aria-label="Quarantined messages">
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox">
                  <Checkbox
                    checked={allOnPage}
                    indeterminate={!allOnPage && rows.some((r) => selected.has(r.id))}
                    onChange={() => setSelected(allOnPage ? new Set() : new Set(rows.map((r) => r.id)))}
                    slotProps={{ input: { 'aria-label': 'Select all on this page' } }}
                  />
                </TableCell>
                {['Received', 'Topic', 'Error', 'Code', 'Attempts', 'Payload'].map((h) => (
                  <TableCell key={h} sx={{ fontWeight: 600 }}>
                    {h}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map((m: QuarantinedMessage) => (
                <TableRow key={m.id} hover selected={selected.has(m.id)}>
                  <TableCell padding="checkbox">
                    <Checkbox checked={selected.has(m.id)} onChange={() => toggle(m.id)} slotProps={{ input: { 'aria-label': `Select the message of ${formatTime(m.receivedTime)} on ${m.topic}` } }} />
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(m.receivedTime)}</TableCell>
                  <TableCell sx={{ wordBreak: 'break-all' }}>{m.topic}</TableCell>
                  <TableCell sx={{ maxWidth: 360 }}>
                    <Tooltip title={m.error}>
                      <Typography variant="body2" color="error" sx={{ overflow: 'hidden', textOverflow: 'ellipsis', display: '-webkit-box', WebkitLineClamp: 3, WebkitBoxOrient: 'vertical' }}>
                        {m.error}
                      </Typography>
                    </Tooltip>
                  </TableCell>
                  <TableCell>{m.errorCode ?? '—'}</TableCell>
                  <TableCell>{m.attempts}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-all' }}>{payloadPreview(m.payload)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        {rows.length === 0 && !list.loading && <EmptyState title="Nothing in quarantine" hint="A message whose decoding fails (script error, invalid output, a crashed worker, a limit) is kept here with its error." />}
        <TablePagination
          component="div"
          count={total}
          page={Math.min(paging.page, Math.max(0, Math.ceil(total / paging.pageSize) - 1))}
          rowsPerPage={paging.pageSize}
          rowsPerPageOptions={[20, 50, 100]}
          onPageChange={(_, page) => setPaging((p) => ({ ...p, page }))}
          onRowsPerPageChange={(e) => setPaging({ page: 0, pageSize: Number(e.target.value) })}
        />
      </Paper>
    </Stack>
  );
}
