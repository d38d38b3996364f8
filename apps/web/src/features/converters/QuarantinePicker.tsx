import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useLoad } from '../../app/hooks';
import { ErrorAlert, Loading } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { integrationsUsing, quarantineApi, type QuarantinedMessage } from '../integrations/quarantine.api';
import { payloadPreview } from '../integrations/QuarantineTable';

export type PickedMessage = QuarantinedMessage & { integrationName: string };

/** The newest quarantined messages of every integration using this converter, to pick one as the test input. */
export function QuarantinePicker({ converterId, onPick, onClose }: { converterId: string; onPick: (m: PickedMessage) => void; onClose: () => void }) {
  const loaded = useLoad(async (signal) => {
    const integrations = await integrationsUsing(converterId, signal);
    const pages = await Promise.all(integrations.map((i) => quarantineApi.page(i.id.id, { pageSize: 20, page: 0 }, signal).then((p) => p.data.map((m) => ({ ...m, integrationName: i.name })))));
    return { integrations: integrations.length, messages: pages.flat().sort((a, b) => b.receivedTime - a.receivedTime) };
  }, [converterId]);
  const messages = loaded.data?.messages ?? [];

  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby="quarantine-picker-title">
      <DialogTitle id="quarantine-picker-title">Load a quarantined message</DialogTitle>
      <DialogContent>
        {loaded.loading && !loaded.data && <Loading />}
        <ErrorAlert error={loaded.error} onRetry={loaded.reload} />
        {loaded.data && loaded.data.integrations === 0 && <Alert severity="info">No integration uses this converter.</Alert>}
        {loaded.data && loaded.data.integrations > 0 && messages.length === 0 && <Alert severity="info">Nothing in quarantine: every message these integrations received was decoded.</Alert>}
        {messages.length > 0 && (
          <Table size="small" aria-label="Quarantined messages">
            <TableHead>
              <TableRow>
                <TableCell>Received</TableCell>
                <TableCell>Integration · topic</TableCell>
                <TableCell>Error</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {messages.map((m) => (
                <TableRow key={m.id} sx={{ verticalAlign: 'top' }}>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(m.receivedTime)}</TableCell>
                  <TableCell sx={{ wordBreak: 'break-all' }}>
                    {m.integrationName} · {m.topic}
                    <Typography variant="caption" component="div" sx={{ fontFamily: 'monospace' }}>
                      {payloadPreview(m.payload, 60)}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <Typography variant="body2" color="error">
                      {m.errorCode ? `${m.errorCode}: ` : ''}
                      {m.error}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <Button size="small" onClick={() => onPick(m)} aria-label={`Use the message of ${formatTime(m.receivedTime)} on ${m.topic}`}>
                      Use
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
