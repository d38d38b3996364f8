import { Alert, Box, CircularProgress, Typography } from '@mui/material';
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

/** Where the last value sent from this widget to this device is kept, so the knob reopens there. */
const lastSentKey = (widgetId: string, deviceId: string) => `bb.knob.${widgetId}.${deviceId}`;
function readLastSent(widgetId: string, deviceId: string | null): number | null {
  if (!deviceId) return null;
  const v = Number(localStorage.getItem(lastSentKey(widgetId, deviceId)) ?? NaN);
  return Number.isFinite(v) ? v : null;
}

/** A device's answer to a two-way call, short enough for the status line. */
function describeReply(reply: unknown): string {
  if (reply === undefined || reply === null || reply === '') return '';
  const text = typeof reply === 'string' ? reply : JSON.stringify(reply);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** Knob Control: turning it sends `{method: setValue, params: <number>}` to the widget's device. */
export function KnobControl({ widget, settings: s, device, editing }: WidgetProps<KnobSettings>) {
  const min = Number(s.minValue);
  const max = Number(s.maxValue);
  const digits = Math.max(0, Math.min(6, Math.round(Number(s.valueDecimals) || 0)));
  const deviceId = device?.id ?? null;
  const [value, setValue] = useState(() =>
    clampRound(readLastSent(widget.id, deviceId) ?? (Number(s.initialValue) || min), min, max, digits),
  );
  const [error, setError] = useState<string | null>(null);
  const [lastSent, setLastSent] = useState<number | null>(null);
  const [reply, setReply] = useState('');
  /** calls sent and not answered yet (a two-way call waits for the device, up to its timeout) */
  const [pending, setPending] = useState(0);

  // settings refs so the throttled sender survives re-renders
  const cfg = useRef({ deviceId, s, widgetId: widget.id });
  cfg.current = { deviceId, s, widgetId: widget.id };
  const send = useMemo(
    () =>
      throttle(
        (v: number) => {
          const { deviceId: id, s: st, widgetId } = cfg.current;
          if (!id) return;
          setPending((n) => n + 1);
          sendRpc(id, st.rpcMode, st.setValueMethod || 'setValue', v, Number(st.requestTimeout) || undefined)
            .then(
              (answer) => {
                setError(null);
                setLastSent(v);
                setReply(st.rpcMode === 'twoway' ? describeReply(answer) : '');
                localStorage.setItem(lastSentKey(widgetId, id), String(v));
              },
              (e: unknown) => setError(`${st.setValueMethod || 'setValue'}(${v}) failed: ${errorMessage(e)}`),
            )
            .finally(() => setPending((n) => n - 1));
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
  // The status line has a fixed height and an error lies over the lower part of the widget: the
  // dial keeps its size whatever is said below it (a long error used to squeeze it to a third).
  return (
    <Box
      sx={{
        position: 'relative',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        height: '100%',
        minHeight: 0,
      }}
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
      {deviceId && (
        <Box sx={{ height: 20, display: 'flex', alignItems: 'center', gap: 0.5, flexShrink: 0 }}>
          {pending > 0 && <CircularProgress size={12} aria-label="Waiting for the device" />}
          <Typography variant="caption" color="text.secondary" data-testid="knob-status" noWrap>
            {lastSent === null ? `${device?.name}` : `${device?.name}: sent ${lastSent.toFixed(digits)}`}
            {reply && ` · reply ${reply}`}
          </Typography>
        </Box>
      )}
      {error && (
        <Alert
          severity="error"
          data-testid="knob-error"
          sx={{
            position: 'absolute',
            left: 0,
            right: 0,
            bottom: 0,
            maxHeight: '60%',
            overflow: 'auto',
            py: 0,
            fontSize: 12,
            boxShadow: 2,
          }}
          onClose={() => setError(null)}
        >
          {error}
        </Alert>
      )}
    </Box>
  );
}
