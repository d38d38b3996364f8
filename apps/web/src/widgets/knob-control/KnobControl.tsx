import { Alert, Box, Typography } from '@mui/material';
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../app/api';
import { replyValue, sendRpc, type RpcMode } from '../rpc';
import type { WidgetProps } from '../types';
import { clampRound, Knob } from './Knob';
import { throttle } from './throttle';

export interface KnobSettings extends Record<string, unknown> {
  minValue: number;
  maxValue: number;
  valueDecimals: number;
  initialValue: number;
  setValueMethod: string;
  rpcMode: RpcMode;
  requestTimeout: number;
  getValueOnStart: boolean;
  getValueMethod: string;
  throttleMs: number;
}

/** Knob Control: turning it sends `{method: setValue, params: <number>}` to the widget's device. */
export function KnobControl({ widget, settings: s, device, editing }: WidgetProps<KnobSettings>) {
  const min = Number(s.minValue);
  const max = Number(s.maxValue);
  const digits = Math.max(0, Math.min(6, Math.round(Number(s.valueDecimals) || 0)));
  const [value, setValue] = useState(() => clampRound(Number(s.initialValue) || min, min, max, digits));
  const [error, setError] = useState<string | null>(null);
  const [lastSent, setLastSent] = useState<number | null>(null);
  const deviceId = device?.id ?? null;

  // settings refs so the throttled sender survives re-renders
  const cfg = useRef({ deviceId, s });
  cfg.current = { deviceId, s };
  const send = useMemo(
    () =>
      throttle(
        (v: number) => {
          const { deviceId: id, s: st } = cfg.current;
          if (!id) return;
          sendRpc(
            id,
            st.rpcMode,
            st.setValueMethod || 'setValue',
            v,
            Number(st.requestTimeout) || undefined,
          ).then(
            () => {
              setError(null);
              setLastSent(v);
            },
            (e: unknown) => setError(`${st.setValueMethod || 'setValue'}(${v}) failed: ${errorMessage(e)}`),
          );
        },
        Math.max(50, Number(s.throttleMs) || 250),
      ),
    [s.throttleMs],
  );
  useEffect(() => () => send.cancel(), [send]);

  useEffect(() => {
    setValue((v) => clampRound(v, min, max, digits));
  }, [min, max, digits]);

  // optional start value: a two-way getValue to the device
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
      (reply) => {
        const n = Number(replyValue(reply));
        if (!live) return;
        if (Number.isFinite(n)) setValue(clampRound(n, min, max, digits));
        else setError(`${s.getValueMethod || 'getValue'} returned ${JSON.stringify(reply)}, not a number`);
      },
      (e: unknown) =>
        live &&
        setError(`Could not read the start value with ${s.getValueMethod || 'getValue'}: ${errorMessage(e)}`),
    );
    return () => {
      live = false;
    };
  }, [deviceId, s.getValueOnStart, s.getValueMethod, s.requestTimeout, editing, min, max, digits]);

  if (!(max > min))
    return <Alert severity="warning">Set a maximum greater than the minimum in the widget settings.</Alert>;
  return (
    <Box
      sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', height: '100%', minHeight: 0 }}
    >
      <Box sx={{ flex: 1, minHeight: 0, width: '100%', display: 'flex', justifyContent: 'center' }}>
        <Knob
          value={value}
          min={min}
          max={max}
          digits={digits}
          label={widget.title || 'Knob'}
          disabled={editing || !deviceId}
          onChange={(v) => {
            setValue(v);
            send(v);
          }}
        />
      </Box>
      {!deviceId && (
        <Typography variant="caption" color="text.secondary">
          Pick an entity alias in the widget's data source to control a device.
        </Typography>
      )}
      {deviceId && !error && (
        <Typography variant="caption" color="text.secondary" data-testid="knob-status">
          {lastSent === null ? `${device?.name}` : `${device?.name}: sent ${lastSent.toFixed(digits)}`}
        </Typography>
      )}
      {error && (
        <Alert
          severity="error"
          data-testid="knob-error"
          sx={{ py: 0, mt: 0.5, fontSize: 12, width: '100%' }}
          onClose={() => setError(null)}
        >
          {error}
        </Alert>
      )}
    </Box>
  );
}
