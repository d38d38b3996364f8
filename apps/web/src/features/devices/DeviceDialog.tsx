import { Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField } from '@mui/material';
import { useState } from 'react';
import type { Device } from '@bridgeboard/contracts';
import { ApiError, errorMessage } from '../../app/api';
import { ErrorAlert } from '../../ui/states';
import { devicesApi } from './devices.api';

/** Add a device by hand (most arrive through an integration). */
export function DeviceDialog({ open, onClose, onSaved }: { open: boolean; onClose: () => void; onSaved: (d: Device) => void }) {
  const [name, setName] = useState('');
  const [type, setType] = useState('default');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const field = error instanceof ApiError ? error.field : undefined;

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      onSaved(await devicesApi.save({ name, type, label: label || null }));
      setName('');
      setLabel('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} maxWidth="xs" fullWidth>
      <DialogTitle>Add device</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {field !== 'name' && field !== 'type' && <ErrorAlert error={error} />}
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required autoFocus error={field === 'name'} helperText={field === 'name' ? errorMessage(error) : undefined} />
          <TextField label="Type" value={type} onChange={(e) => setType(e.target.value)} required error={field === 'type'} helperText={field === 'type' ? errorMessage(error) : 'e.g. sensor'} />
          <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={save} disabled={busy || !name.trim()}>
          Add
        </Button>
      </DialogActions>
    </Dialog>
  );
}
