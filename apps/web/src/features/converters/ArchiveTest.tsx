import { Alert, Box, Button, CircularProgress, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { errorMessage } from '../../app/api';
import { JsonView } from '../../ui/JsonView';
import { formatTime } from '../../ui/time';
import { Counts } from './Counts';
import { OutputChanges } from './OutputChanges';
import { lifecycleApi, type ArchiveTestResult } from './lifecycle.api';

/** "Run on the last N archived messages": the edited decoder on real past input, compared with what the saved version produced. */
export function ArchiveTest({ converterId, script }: { converterId: string; script: string }) {
  const [limit, setLimit] = useState('50');
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ArchiveTestResult | null>(null);
  const n = Number(limit);
  const badLimit = !Number.isInteger(n) || n < 1 || n > 500;

  const run = async () => {
    setRunning(true);
    setError(null);
    setResult(null);
    try {
      setResult(await lifecycleApi.testOnArchive(converterId, { scriptLang: 'JS', decoder: script }, n));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Stack spacing={1.5} role="region" aria-label="Test on archived messages">
      <Typography variant="subtitle2">Test on archived messages</Typography>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <TextField
          label="Messages"
          type="number"
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
          error={badLimit}
          helperText={badLimit ? 'From 1 to 500' : 'the most recent ones'}
          sx={{ width: 130 }}
          slotProps={{ htmlInput: { min: 1, max: 500 } }}
        />
        <Button variant="outlined" onClick={() => void run()} disabled={running || badLimit} startIcon={running ? <CircularProgress size={14} color="inherit" /> : undefined} sx={{ mt: 1 }}>
          Run on the last {badLimit ? 'N' : n} archived messages
        </Button>
      </Stack>
      {error && <Alert severity="error">{error}</Alert>}
      {result && (
        <>
          <Counts label="Archive test counts" items={[['Messages', result.messages], ['Decoded', result.decoded], ['Failed', result.failed], ['Changed', result.changed]]} />
          {result.messages === 0 && <Alert severity="info">No archived message yet for this converter: the archive keeps what integrations receive from now on.</Alert>}
          {result.messages > 0 && result.changed === 0 && result.failed === 0 && <Alert severity="success">The edited script gives the same results as the saved one.</Alert>}
          {result.samples.length > 0 && (
            <Box sx={{ maxHeight: 480, overflow: 'auto' }}>
              <Table size="small" aria-label="Differences saved vs edited" stickyHeader>
                <TableHead>
                  <TableRow>
                    <TableCell>Message</TableCell>
                    <TableCell>Saved version → edited script</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {result.samples.map((s, i) => (
                    <TableRow key={i} sx={{ verticalAlign: 'top' }}>
                      <TableCell sx={{ wordBreak: 'break-all', width: 140 }}>
                        {s.topic}
                        <Typography variant="caption" color="text.secondary" component="div">
                          {formatTime(s.receivedTime)}
                        </Typography>
                      </TableCell>
                      <TableCell>
                        {s.saved && s.edited ? (
                          <OutputChanges before={s.saved} after={s.edited} label="Changes" />
                        ) : (
                          <>
                            <Typography variant="body2" color="error">
                              {s.edited ? `The saved version failed${s.error ? `: ${s.error}` : ''}; the edited script gives:` : `The edited script fails: ${s.error ?? 'no output'}`}
                            </Typography>
                            {s.edited && <JsonView value={s.edited} maxHeight={200} />}
                          </>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Box>
          )}
        </>
      )}
    </Stack>
  );
}

