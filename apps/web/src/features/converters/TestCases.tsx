import { Box, Button, Chip, IconButton, List, ListItem, ListItemText, Stack, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { errorMessage } from '../../app/api';
import { convertersApi, type ConverterTestCase, type ConverterTestResult, type ConverterType } from './converters.api';

/** Same JSON value, whatever the key order. */
const canonical = (v: unknown): string =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
    : Array.isArray(v)
      ? `[${v.map(canonical).join(',')}]`
      : JSON.stringify(v);

/** Runs one saved case against the script in the editor (not the saved one): passes when there is no error and the output matches. */
export async function runCase(type: ConverterType, script: string, c: ConverterTestCase): Promise<ConverterTestResult> {
  try {
    const r =
      type === 'UPLINK'
        ? await convertersApi.testUplink({ payload: c.payload ?? '', metadata: c.metadata ?? {}, decoder: script })
        : await convertersApi.testDownlink({ msg: typeof c.msg === 'string' ? c.msg : JSON.stringify(c.msg ?? {}), msgType: c.msgType ?? 'RPC_CALL_FROM_SERVER_TO_DEVICE', metadata: c.metadata ?? {}, integrationMetadata: c.integrationMetadata ?? {}, encoder: script });
    if (r.error) return { name: c.name, pass: false, output: '', error: r.error };
    if (c.expected !== undefined && canonical(JSON.parse(r.output)) !== canonical(c.expected))
      return { name: c.name, pass: false, output: r.output, error: 'The output differs from the expected output' };
    return { name: c.name, pass: true, output: r.output, error: '' };
  } catch (e) {
    return { name: c.name, pass: false, output: '', error: errorMessage(e) };
  }
}

/** Saved test cases with pass/fail: from the server's last results, or from "Run all" on the current script. */
export function TestCases({
  type,
  script,
  cases,
  serverResults,
  onChange,
}: {
  type: ConverterType;
  script: string;
  cases: ConverterTestCase[];
  serverResults?: ConverterTestResult[];
  onChange: (cases: ConverterTestCase[]) => void;
}) {
  const [results, setResults] = useState<Record<string, ConverterTestResult>>({});
  const [running, setRunning] = useState(false);
  const resultOf = (name: string) => results[name] ?? serverResults?.find((r) => r.name === name);

  const runAll = async () => {
    setRunning(true);
    const out: Record<string, ConverterTestResult> = {};
    for (const c of cases) out[c.name] = await runCase(type, script, c);
    setResults(out);
    setRunning(false);
  };

  return (
    <Box sx={{ mt: 2 }}>
      <Stack direction="row" sx={{ alignItems: 'center' }} spacing={1}>
        <Typography variant="subtitle1" sx={{ fontWeight: 600, flex: 1 }}>
          Test cases
        </Typography>
        <Button onClick={runAll} disabled={running || cases.length === 0}>
          {running ? 'Running…' : 'Run all'}
        </Button>
      </Stack>
      {cases.length === 0 ? (
        <Typography color="text.secondary">No saved test cases. Run a test above, then "Save as test case" to keep it; saved cases check every change to the script.</Typography>
      ) : (
        <List dense aria-label="Test cases">
          {cases.map((c) => {
            const r = resultOf(c.name);
            return (
              <ListItem
                key={c.name}
                divider
                secondaryAction={
                  <Tooltip title="Remove test case">
                    <IconButton edge="end" aria-label={`Remove test case ${c.name}`} onClick={() => onChange(cases.filter((x) => x !== c))}>
                      ✕
                    </IconButton>
                  </Tooltip>
                }
              >
                {r ? <Chip size="small" color={r.pass ? 'success' : 'error'} label={r.pass ? 'Pass' : 'Fail'} sx={{ mr: 1 }} /> : <Chip size="small" label="Not run" sx={{ mr: 1 }} />}
                <ListItemText primary={c.name} secondary={r && !r.pass ? r.error || 'Failed' : c.expected !== undefined ? 'checks the output' : 'checks that it runs without error'} />
              </ListItem>
            );
          })}
        </List>
      )}
    </Box>
  );
}
