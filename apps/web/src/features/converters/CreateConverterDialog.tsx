import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useState } from 'react';
import { ApiError, errorMessage } from '../../app/api';
import { ErrorAlert } from '../../ui/states';
import { convertersApi, type Converter, type ConverterType } from './converters.api';
import { GUIDE_DECODER, GUIDE_ENCODER } from '@bridgeboard/contracts';

export const newConverter = (type: ConverterType, name: string) => ({
  name,
  type,
  debugMode: type === 'UPLINK',
  configuration: type === 'UPLINK' ? { scriptLang: 'JS' as const, decoder: GUIDE_DECODER } : { scriptLang: 'JS' as const, encoder: GUIDE_ENCODER },
});

/** Creates a converter with the guide's script without leaving the page (used by the integration form). */
export function CreateConverterDialog({ type, open, onClose, onCreated }: { type: ConverterType; open: boolean; onClose: () => void; onCreated: (c: Converter) => void }) {
  const [name, setName] = useState(type === 'UPLINK' ? 'MQTT Uplink' : 'MQTT Downlink');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await convertersApi.save(newConverter(type, name.trim())));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const nameError = error instanceof ApiError && error.field === 'name';
  return (
    <Dialog open={open} onClose={onClose} maxWidth="xs" fullWidth>
      <DialogTitle>New {type === 'UPLINK' ? 'uplink' : 'downlink'} converter</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>It starts from the user guide's {type === 'UPLINK' ? 'decoder' : 'encoder'}; edit it later in Data converters.</DialogContentText>
        {!nameError && <ErrorAlert error={error} />}
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} fullWidth autoFocus error={nameError} helperText={nameError ? errorMessage(error) : undefined} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={create} disabled={busy || !name.trim()}>
          Create
        </Button>
      </DialogActions>
    </Dialog>
  );
}
