import { Alert, Box, Button, CircularProgress, Link, MenuItem, Paper, Stack, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useState } from 'react';
import { errorMessage } from '../../app/api';
import { fromPairs, KeyValueTable, toPairs, type Pairs } from '../../ui/KeyValueTable';
import { JsonView } from '../../ui/JsonView';
import { consoleText, convertersApi, type ConverterTestCase, type ConverterType, type TestResponse } from './converters.api';
import { base64ToBytes, errorLineOf, payloadToBase64, readablePayload, type PayloadFormat } from './payload';
import { GUIDE_PAYLOAD, GUIDE_TOPIC } from './scripts';
import { ArchiveTest } from './ArchiveTest';
import { QuarantinePicker, type PickedMessage } from './QuarantinePicker';

export interface TestPanelProps {
  type: ConverterType;
  script: string;
  /** saved converter: enables "Use a recent message" */
  converterId?: string;
  /** the line the last run failed on (null when it passed), to highlight in the editor */
  onErrorLine?: (line: number | null, message?: string) => void;
  /** each run's outcome for this script: the error it failed with at run time, or null when it ran */
  onRun?: (script: string, error: string | null) => void;
  /** "Save as test case" is offered when given */
  onSaveCase?: (c: ConverterTestCase) => void;
}

const MSG_TYPES = ['RPC_CALL_FROM_SERVER_TO_DEVICE', 'ATTRIBUTES_UPDATED', 'POST_TELEMETRY_REQUEST', 'POST_ATTRIBUTES_REQUEST'];

/** "Test decoder function" / "Test encoder function": run the editor's script on a sample message. */
export function TestPanel({ type, script, converterId, onErrorLine, onSaveCase, onRun }: TestPanelProps) {
  const uplink = type === 'UPLINK';
  const [format, setFormat] = useState<PayloadFormat>('JSON');
  const [payload, setPayload] = useState(GUIDE_PAYLOAD);
  const [metadata, setMetadata] = useState<Pairs>(
    uplink
      ? [
          ['topic', GUIDE_TOPIC],
          ['integrationName', 'MQTT Integration'],
        ]
      : [
          ['deviceName', 'SN-001'],
          ['deviceType', 'sensor'],
        ],
  );
  const [msg, setMsg] = useState('{"method":"setValue","params":"32"}');
  const [msgType, setMsgType] = useState(MSG_TYPES[0]!);
  const [integrationMetadata, setIntegrationMetadata] = useState<Pairs>([]);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<TestResponse | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const [recentInfo, setRecentInfo] = useState<string | null>(null);
  const [caseName, setCaseName] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);

  const buildCase = (): (ConverterTestCase & { msg?: string }) | string => {
    if (uplink) {
      const p = payloadToBase64(format, payload);
      if (!p.ok) return p.error;
      return { name: '', payload: p.base64, metadata: fromPairs(metadata) };
    }
    try {
      JSON.parse(msg);
    } catch (e) {
      return `Message is not valid JSON: ${(e as Error).message}`;
    }
    return { name: '', msg, msgType, metadata: fromPairs(metadata), integrationMetadata: fromPairs(integrationMetadata) };
  };

  const run = async () => {
    const c = buildCase();
    setInputError(typeof c === 'string' ? c : null);
    if (typeof c === 'string') {
      // the previous run's result belongs to other input: it must not sit under this warning
      setResult(null);
      onErrorLine?.(null);
      return;
    }
    setRunning(true);
    try {
      const res = uplink
        ? await convertersApi.testUplink({ payload: c.payload!, metadata: c.metadata!, decoder: script })
        : await convertersApi.testDownlink({ msg: c.msg ?? '{}', msgType: c.msgType!, metadata: c.metadata!, integrationMetadata: c.integrationMetadata!, encoder: script });
      setResult(res);
      onErrorLine?.(res.error ? (res.errorLine ?? errorLineOf(res.error)) : null, res.error || undefined);
      onRun?.(script, res.error || null);
    } catch (e) {
      setResult({ output: '', error: errorMessage(e) });
      onErrorLine?.(null);
    } finally {
      setRunning(false);
    }
  };

  const useRecent = async () => {
    if (!converterId) return;
    setRecentInfo(null);
    try {
      const d = await convertersApi.debugIn(converterId);
      if (!d) return setRecentInfo('No recent message yet: turn debug mode on, save, and send a message through an integration.');
      if (d.type === 'UPLINK') setPayloadFromBytes(base64ToBytes(d.payload));
      else {
        setMsg(d.msg);
        setMsgType(d.msgType);
        setIntegrationMetadata(toPairs(d.integrationMetadata));
      }
      setMetadata(toPairs(d.metadata));
      setRecentInfo(`Filled from the message of ${new Date(d.ts).toLocaleString()}.`);
    } catch (e) {
      setRecentInfo(errorMessage(e));
    }
  };
  const useQuarantined = (m: PickedMessage) => {
    setPicking(false);
    setPayloadFromBytes(base64ToBytes(m.payload));
    setMetadata(toPairs({ topic: m.topic, ...(m.metadata ?? {}) }));
    setRecentInfo(`Filled from the message quarantined by ${m.integrationName} on ${new Date(m.receivedTime).toLocaleString()}: ${m.error}`);
  };
  const setPayloadFromBytes = (bytes: Uint8Array) => {
    const r = readablePayload(bytes);
    setFormat(r.format);
    setPayload(r.text);
  };

  const line = result?.error ? (result.errorLine ?? errorLineOf(result.error)) : null;
  return (
    <Paper variant="outlined" sx={{ p: 2 }} aria-label={uplink ? 'Test decoder function' : 'Test encoder function'} role="region">
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
        <Typography variant="subtitle1" sx={{ flex: 1, fontWeight: 600 }}>
          {uplink ? 'Test decoder function' : 'Test encoder function'}
        </Typography>
        {converterId && uplink && (
          <Button size="small" onClick={() => setPicking(true)}>
            Load a quarantined message
          </Button>
        )}
        {converterId && (
          <Button size="small" onClick={useRecent}>
            Use a recent message
          </Button>
        )}
      </Stack>
      {picking && converterId && <QuarantinePicker converterId={converterId} onPick={useQuarantined} onClose={() => setPicking(false)} />}
      {recentInfo && (
        <Alert severity="info" sx={{ mb: 1 }} onClose={() => setRecentInfo(null)}>
          {recentInfo}
        </Alert>
      )}
      <Stack spacing={1.5}>
        {uplink ? (
          <>
            <ToggleButtonGroup size="small" exclusive value={format} onChange={(_, v: PayloadFormat | null) => v && setFormat(v)} aria-label="Payload format">
              {(['JSON', 'TEXT', 'HEX', 'BASE64'] as const).map((f) => (
                <ToggleButton key={f} value={f}>
                  {f === 'BASE64' ? 'Base64' : f === 'TEXT' ? 'Text' : f === 'HEX' ? 'Hex' : 'JSON'}
                </ToggleButton>
              ))}
            </ToggleButtonGroup>
            <TextField label="Payload" value={payload} onChange={(e) => setPayload(e.target.value)} multiline minRows={3} maxRows={10} slotProps={{ htmlInput: { style: { fontFamily: 'monospace' } } }} />
          </>
        ) : (
          <>
            <TextField label="Message (JSON)" value={msg} onChange={(e) => setMsg(e.target.value)} multiline minRows={3} maxRows={10} slotProps={{ htmlInput: { style: { fontFamily: 'monospace' } } }} />
            <TextField select label="Message type" value={msgType} onChange={(e) => setMsgType(e.target.value)}>
              {[...new Set([...MSG_TYPES, msgType])].map((t) => (
                <MenuItem key={t} value={t}>
                  {t}
                </MenuItem>
              ))}
            </TextField>
          </>
        )}
        <Typography variant="subtitle2">Metadata</Typography>
        <KeyValueTable value={metadata} onChange={setMetadata} label="Metadata" />
        {!uplink && (
          <>
            <Typography variant="subtitle2">Integration metadata</Typography>
            <KeyValueTable value={integrationMetadata} onChange={setIntegrationMetadata} label="Integration metadata" />
          </>
        )}
        {inputError && <Alert severity="warning">{inputError}</Alert>}
        <Stack direction="row" spacing={1}>
          <Button variant="contained" color="success" onClick={run} disabled={running} startIcon={running ? <CircularProgress size={14} color="inherit" /> : undefined}>
            {uplink ? 'Test decoder function' : 'Test encoder function'}
          </Button>
          {onSaveCase && caseName === null && <Button onClick={() => setCaseName('')}>Save as test case</Button>}
        </Stack>
        {onSaveCase && caseName !== null && (
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <TextField label="Test case name" value={caseName} onChange={(e) => setCaseName(e.target.value)} autoFocus sx={{ flex: 1 }} helperText={result && !result.error ? 'Keeps this input and the output above as the expected result.' : 'Keeps this input; it passes when the script runs without error.'} />
            <Button
              variant="outlined"
              disabled={!caseName.trim()}
              onClick={() => {
                const c = buildCase();
                if (typeof c === 'string') return setInputError(c);
                onSaveCase({ ...c, name: caseName.trim(), expected: result && !result.error ? JSON.parse(result.output) : undefined });
                setCaseName(null);
              }}
            >
              Keep
            </Button>
            <Button onClick={() => setCaseName(null)}>Cancel</Button>
          </Stack>
        )}
        {result && (
          <Box>
            {result.error ? (
              <Alert severity="error" role="alert" aria-label="Test error">
                {line && (
                  <Link component="button" onClick={() => onErrorLine?.(line, result.error)} sx={{ mr: 1, fontWeight: 600 }}>
                    Line {line}:
                  </Link>
                )}
                {result.error}
              </Alert>
            ) : (
              <>
                <Typography variant="subtitle2">Output</Typography>
                <JsonView value={result.output} label="Output" maxHeight={320} />
              </>
            )}
            {!!result.consoleLines?.length && (
              <Box sx={{ mt: 1 }}>
                <Typography variant="subtitle2">Console</Typography>
                <Box component="ol" aria-label="Console output" sx={{ m: 0, pl: 3, fontFamily: 'monospace', fontSize: 12, bgcolor: 'grey.900', color: 'grey.100', borderRadius: 1, py: 1 }}>
                  {result.consoleLines.map((l, i) => (
                    <li key={i}>{consoleText(l)}</li>
                  ))}
                </Box>
              </Box>
            )}
          </Box>
        )}
        {converterId && uplink && <ArchiveTest converterId={converterId} script={script} />}
      </Stack>
    </Paper>
  );
}
