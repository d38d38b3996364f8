import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  Stack,
  TextField,
} from '@mui/material';
import { useEffect, useState } from 'react';
import type { EntityAlias } from '@bridgeboard/contracts';
import { api } from '../../app/api';
import { localId } from './dashboards.api';
import { DevicePicker, type PickedDevice } from './DevicePicker';

export interface AliasDialogProps {
  open: boolean;
  /** the alias being edited; null adds a new one */
  alias: EntityAlias | null;
  /** names already used by the dashboard's other aliases */
  takenNames: string[];
  onClose(): void;
  onSave(alias: EntityAlias, device: PickedDevice): void;
}

/** One entity alias: a name and a "Single entity" filter of type Device (the guide's `Sensor` → `SN-001`). */
export function AliasDialog({ open, alias, takenNames, onClose, onSave }: AliasDialogProps) {
  const [name, setName] = useState('');
  const [device, setDevice] = useState<PickedDevice | null>(null);
  const [errors, setErrors] = useState<{ name?: string; device?: string }>({});

  useEffect(() => {
    if (!open) return;
    setName(alias?.alias ?? '');
    setErrors({});
    setDevice(null);
    const id = alias?.filter.singleEntity.id;
    if (!id) return;
    const ac = new AbortController();
    api.get<{ name: string }>(`/api/device/${id}`, undefined, ac.signal).then(
      (d) => setDevice({ id, name: d.name }),
      () =>
        !ac.signal.aborted &&
        setErrors({ device: 'The device of this alias no longer exists; pick another.' }),
    );
    return () => ac.abort();
  }, [open, alias]);

  const save = () => {
    const n = name.trim();
    const e: typeof errors = {};
    if (!n) e.name = 'Enter a name for the alias, e.g. Sensor.';
    else if (takenNames.some((t) => t.toLowerCase() === n.toLowerCase()))
      e.name = `An alias named ${n} already exists on this dashboard.`;
    if (!device) e.device = 'Pick the device this alias stands for.';
    setErrors(e);
    if (e.name || e.device) return;
    onSave(
      {
        id: alias?.id ?? localId(),
        alias: n,
        filter: { type: 'singleEntity', singleEntity: { entityType: 'DEVICE', id: device!.id } },
      },
      device!,
    );
  };

  return (
    <Dialog open={open} onClose={onClose} maxWidth="xs" fullWidth aria-labelledby="alias-dialog-title">
      <DialogTitle id="alias-dialog-title">{alias ? 'Edit alias' : 'Add alias'}</DialogTitle>
      <DialogContent>
        <Stack spacing={1} sx={{ mt: 1 }}>
          <TextField
            label="Alias name"
            value={name}
            autoFocus
            onChange={(ev) => setName(ev.target.value)}
            error={!!errors.name}
            helperText={errors.name ?? ' '}
          />
          <TextField select label="Filter type" value="singleEntity" helperText=" ">
            <MenuItem value="singleEntity">Single entity</MenuItem>
          </TextField>
          <TextField select label="Type" value="DEVICE" helperText=" ">
            <MenuItem value="DEVICE">Device</MenuItem>
          </TextField>
          <DevicePicker value={device} onChange={setDevice} error={errors.device} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={save} data-testid="alias-save">
          {alias ? 'Save' : 'Add'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
