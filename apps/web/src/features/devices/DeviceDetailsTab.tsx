import { Button, Paper, Stack, TextField } from '@mui/material';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Device } from '@bridgeboard/contracts';
import { ApiError, errorMessage } from '../../app/api';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { SaveErrorAlert } from '../../ui/SaveErrorAlert';
import { formatTime } from '../../ui/time';
import { UnsavedChangesPrompt } from '../../ui/UnsavedChanges';
import { devicesApi } from './devices.api';

export function DeviceDetailsTab({ device, onSaved, onReload }: { device: Device; onSaved: (d: Device) => void; onReload?: () => void }) {
  const [name, setName] = useState(device.name);
  const [type, setType] = useState(device.type);
  const [label, setLabel] = useState(device.label ?? '');
  const [description, setDescription] = useState(String(device.additionalInfo?.description ?? ''));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const notify = useNotify();
  const confirm = useConfirm();
  const navigate = useNavigate();
  const field = error instanceof ApiError ? error.field : undefined;
  const dirty = name !== device.name || type !== device.type || label !== (device.label ?? '') || description !== String(device.additionalInfo?.description ?? '');

  /** `overwrite`: without `version`, so the save replaces what someone else saved meanwhile. */
  const save = async (overwrite = false) => {
    setBusy(true);
    setError(null);
    try {
      const saved = await devicesApi.save({
        ...device,
        name,
        type,
        // the type names the device profile: a new type means another profile (the server finds or creates it)
        deviceProfileId: type === device.type ? device.deviceProfileId : undefined,
        label: label || null,
        additionalInfo: { ...(device.additionalInfo ?? {}), description },
        version: overwrite ? undefined : device.version,
      });
      onSaved(saved);
      notify('Device saved');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!(await confirm({ title: `Delete device ${device.name}?`, message: 'Its telemetry and attributes are deleted too.' }))) return;
    try {
      await devicesApi.delete(device.id.id);
      notify(`Device ${device.name} deleted`);
      void navigate('/devices');
    } catch (e) {
      notify.error(e);
    }
  };

  return (
    <Paper variant="outlined" sx={{ p: 2, maxWidth: 640 }}>
      <UnsavedChangesPrompt when={dirty && !busy} what="the device" />
      <Stack spacing={2}>
        {field !== 'name' && field !== 'type' && <SaveErrorAlert
            error={error}
            what="device"
            onReload={() => {
              setError(null);
              onReload?.();
            }}
            onOverwrite={() => void save(true)}
          />}
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={field === 'name'} helperText={field === 'name' ? errorMessage(error) : undefined} />
        <TextField label="Type" value={type} onChange={(e) => setType(e.target.value)} error={field === 'type'} helperText={field === 'type' ? errorMessage(error) : undefined} />
        <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} />
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline minRows={2} />
        <TextField label="Device id" value={device.id.id} slotProps={{ input: { readOnly: true } }} />
        <TextField label="Created" value={formatTime(device.createdTime)} slotProps={{ input: { readOnly: true } }} />
        <Stack direction="row" spacing={1}>
          <Button variant="contained" onClick={() => void save()} disabled={!dirty || busy}>
            Save
          </Button>
          <Button color="error" onClick={remove}>
            Delete device
          </Button>
        </Stack>
      </Stack>
    </Paper>
  );
}
