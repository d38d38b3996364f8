import { Alert, Box, Button, Collapse, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage } from '../../app/api';
import { CodeEditor } from '../../ui/CodeEditor';
import { JsonView } from '../../ui/JsonView';
import { ruleChainsApi } from './ruleChains.api';

const SCRIPT_TYPINGS = {
  filePath: 'file:///rule-node-script.d.ts',
  content: `/** the message data, parsed from JSON */\ndeclare const msg: any;\n/** message metadata (string values) */\ndeclare const metadata: Record<string, string>;\n/** e.g. POST_TELEMETRY_REQUEST */\ndeclare const msgType: string;\n`,
};

let probe: Promise<boolean> | null = null;
/** Whether the server offers ThingsBoard's script test endpoint (asked once: an unknown route answers 404). */
function scriptTestAvailable(): Promise<boolean> {
  probe ??= api.post('/api/ruleChain/testScript', {}).then(
    () => true,
    (e: unknown) => !(e instanceof ApiError && e.status === 404),
  );
  return probe;
}

/** What the test endpoint expects the script to return, by node type. */
export function scriptTypeOf(nodeType: string): 'filter' | 'update' | 'string' | 'json' {
  if (/Filter/i.test(nodeType)) return 'filter';
  if (/Transform/i.test(nodeType)) return 'update';
  if (/Log/i.test(nodeType)) return 'string';
  return 'json';
}

/** A node's JavaScript (Monaco) with a test panel that runs it in the sandbox on a sample message. */
export function ScriptField({
  label,
  value,
  onChange,
  nodeType,
  error,
}: {
  label: string;
  value: string;
  onChange(v: string): void;
  nodeType: string;
  error?: string;
}) {
  const [testing, setTesting] = useState(false);
  const [msg, setMsg] = useState('{"temperature": 25.1}');
  const [metadata, setMetadata] = useState('{"deviceName": "SN-001", "deviceType": "sensor"}');
  const [msgType, setMsgType] = useState('POST_TELEMETRY_REQUEST');
  const [result, setResult] = useState<{ output?: string; error?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [canTest, setCanTest] = useState(false);
  useEffect(() => {
    let live = true;
    void scriptTestAvailable().then((ok) => live && setCanTest(ok));
    return () => {
      live = false;
    };
  }, []);

  const run = async () => {
    let md: Record<string, string>;
    try {
      md = JSON.parse(metadata) as Record<string, string>;
      JSON.parse(msg);
    } catch (e) {
      return setResult({ error: `The test message or metadata is not valid JSON: ${(e as Error).message}` });
    }
    setBusy(true);
    try {
      const r = await ruleChainsApi.testScript({
        script: value,
        scriptType: scriptTypeOf(nodeType),
        argNames: ['msg', 'metadata', 'msgType'],
        msg,
        metadata: md,
        msgType,
      });
      setResult(r.error ? { error: r.error } : { output: r.output });
    } catch (e) {
      setResult({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 0.5 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          {label}: <code>function (msg, metadata, msgType) {'{ … }'}</code>
        </Typography>
        {canTest ? (
          <Button size="small" onClick={() => setTesting((t) => !t)}>
            {testing ? 'Hide test' : 'Test script'}
          </Button>
        ) : (
          <Typography variant="caption" color="text.secondary">
            This server has no script test endpoint; debug events show the script's effect.
          </Typography>
        )}
      </Stack>
      <CodeEditor
        value={value}
        onChange={onChange}
        height={200}
        extraLibs={[SCRIPT_TYPINGS]}
        ariaLabel={label}
      />
      {error && (
        <Typography color="error" variant="caption">
          {error}
        </Typography>
      )}
      <Collapse in={testing && canTest}>
        <Stack spacing={1} sx={{ mt: 1, p: 1, border: 1, borderColor: 'divider', borderRadius: 1 }}>
          <TextField
            label="Message (JSON)"
            value={msg}
            onChange={(e) => setMsg(e.target.value)}
            multiline
            minRows={2}
          />
          <TextField
            label="Metadata (JSON)"
            value={metadata}
            onChange={(e) => setMetadata(e.target.value)}
            multiline
            minRows={1}
          />
          <TextField label="Message type" value={msgType} onChange={(e) => setMsgType(e.target.value)} />
          <Box>
            <Button variant="outlined" onClick={() => void run()} disabled={busy}>
              {busy ? 'Running…' : 'Run'}
            </Button>
          </Box>
          {result?.error && <Alert severity="error">{result.error}</Alert>}
          {result?.output !== undefined && (
            <JsonView value={result.output} label="Script output" maxHeight={200} />
          )}
        </Stack>
      </Collapse>
    </Box>
  );
}
