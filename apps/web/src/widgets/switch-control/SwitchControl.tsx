import { Alert, Box, FormControlLabel, Switch, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../app/api';
import { replyValue, sendRpc, type RpcMode } from '../rpc';
import type { WidgetProps } from '../types';

export interface SwitchSettings extends Record<string, unknown> {
  setValueMethod: string;
  rpcMode: RpcMode;
  requestTimeout: number;
  getValueOnStart: boolean;
  getValueMethod: string;
  onLabel: string;
  offLabel: string;
}

/** Switch control: flipping it sends `{method: setValue, params: true|false}`; a failed call flips it back. */
export function SwitchControl({ widget, settings: s, device, editing }: WidgetProps<SwitchSettings>) {
  const [on, setOn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const deviceId = device?.id ?? null;

  useEffect(() => {
    if (!deviceId || !s.getValueOnStart || editing) return;
    let live = true;
    sendRpc(
      deviceId,
      'twoway',
      s.getValueMethod || 'getValue',
      null,
      Number(s.requestTimeout) || undefined,
    ).then(
      (r) => {
        const v = replyValue(r);
        if (live) setOn(v === true || v === 'true' || v === 1);
      },
      (e: unknown) =>
        live &&
        setError(`Could not read the start value with ${s.getValueMethod || 'getValue'}: ${errorMessage(e)}`),
    );
    return () => {
      live = false;
    };
  }, [deviceId, s.getValueOnStart, s.getValueMethod, s.requestTimeout, editing]);

  const flip = async (next: boolean) => {
    if (!deviceId) return;
    setOn(next);
    setBusy(true);
    try {
      await sendRpc(
        deviceId,
        s.rpcMode,
        s.setValueMethod || 'setValue',
        next,
        Number(s.requestTimeout) || undefined,
      );
      setError(null);
    } catch (e) {
      setOn(!next);
      setError(`${s.setValueMethod || 'setValue'}(${next}) failed: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box
      sx={{
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        height: '100%',
        gap: 1,
      }}
    >
      <FormControlLabel
        control={
          <Switch
            checked={on}
            disabled={editing || busy || !deviceId}
            onChange={(_, c) => void flip(c)}
            slotProps={{ input: { 'aria-label': widget.title || 'Switch' } }}
          />
        }
        label={on ? s.onLabel || 'On' : s.offLabel || 'Off'}
      />
      {!deviceId && (
        <Typography variant="caption" color="text.secondary">
          Pick an entity alias in the widget's data source to control a device.
        </Typography>
      )}
      {error && (
        <Alert severity="error" sx={{ py: 0, fontSize: 12, width: '100%' }} onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
    </Box>
  );
}
