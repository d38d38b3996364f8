import { Box, Breadcrumbs, Button, Link as MuiLink, MenuItem, Paper, Stack, Tab, Tabs, TextField, Typography } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { CodeEditor } from '../../ui/CodeEditor';
import { useConfirm } from '../../ui/ConfirmDialog';
import { EventTable } from '../../ui/EventTable';
import { ErrorAlert, Loading, PageHeader } from '../../ui/states';
import { SaveErrorAlert } from '../../ui/SaveErrorAlert';
import { UnsavedChangesPrompt } from '../../ui/UnsavedChanges';
import { convertersApi, type Converter, type ConverterTestCase, type ConverterType, type SaveConverter } from './converters.api';
import { newConverter } from './CreateConverterDialog';
import { DebugModeField } from '../../ui/DebugModeField';
import { TestCases } from './TestCases';
import { TestPanel } from './TestPanel';
import { decoderLib, encoderLib } from './typings';
import { ExportButton } from '../transfer/ExportButton';
import { ConverterHistory } from './ConverterHistory';
import { ReplayDialog } from './ReplayDialog';

type Draft = SaveConverter | Converter;

/** Create or edit a converter: script in Monaco beside its test panel; Events on their own tab (/converters/:id/events). */
export function ConverterPage() {
  const { id = 'new', tab = 'script' } = useParams();
  const [sp] = useSearchParams();
  const isNew = id === 'new';
  const navigate = useNavigate();
  const notify = useNotify();
  const confirm = useConfirm();
  const loaded = useLoad((signal) => (isNew ? Promise.resolve(null) : convertersApi.get(id, signal)), [id]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState<string>('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [errLine, setErrLine] = useState<{ line: number | null; message?: string }>({ line: null });
  /** the last test run, to warn before saving a script that just failed on it */
  const [lastRun, setLastRun] = useState<{ script: string; error: string | null } | null>(null);
  /** kept with the next save's version */
  const [comment, setComment] = useState('');
  const [replaying, setReplaying] = useState(false);

  useEffect(() => {
    if (loaded.loading) return;
    const d = loaded.data ?? (isNew ? newConverter((sp.get('type') as ConverterType) === 'DOWNLINK' ? 'DOWNLINK' : 'UPLINK', '') : null);
    if (!d) return;
    setDraft(d);
    setSaved(JSON.stringify(d));
  }, [loaded.data, loaded.loading, isNew]); // only when the loaded converter changes, not on every search-param change

  const type: ConverterType = draft?.type ?? 'UPLINK';
  const scriptKey = type === 'UPLINK' ? 'decoder' : 'encoder';
  const script = draft?.configuration[scriptKey] ?? '';
  const libs = useMemo(() => [type === 'UPLINK' ? decoderLib : encoderLib], [type]);
  const dirty = !!draft && JSON.stringify(draft) !== saved;
  const field = error instanceof ApiError ? error.field : undefined;

  if (loaded.loading && !draft) return <Loading />;
  if (loaded.error) return <ErrorAlert error={loaded.error} onRetry={loaded.reload} />;
  if (!draft) return null;

  const patch = (p: Partial<Draft>) => setDraft((d) => d && ({ ...d, ...p } as Draft));
  const setScript = (s: string) => patch({ configuration: { scriptLang: 'JS', [scriptKey]: s } });
  const setType = (t: ConverterType) => patch(newConverter(t, draft.name));

  /** `overwrite`: without `version`, so the save replaces what someone else saved meanwhile. */
  const save = async (overwrite = false) => {
    if (lastRun?.error && lastRun.script === script) {
      const go = await confirm({
        title: `Save a ${type === 'UPLINK' ? 'decoder' : 'encoder'} that failed its last test?`,
        message: `The last test run of this script failed: ${lastRun.error}. Live messages will fail the same way.`,
        confirmText: 'Save anyway',
      });
      if (!go) return;
    }
    setBusy(true);
    setError(null);
    try {
      const c = await convertersApi.save(overwrite ? { ...draft, version: undefined } : draft, comment);
      setDraft(c);
      setSaved(JSON.stringify(c));
      setComment('');
      notify(`Converter ${c.name} saved`);
      if (isNew) void navigate(`/converters/${c.id.id}`, { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!('id' in draft) || !draft.id) return;
    if (!(await confirm({ title: `Delete converter ${draft.name}?` }))) return;
    try {
      await convertersApi.delete(draft.id.id);
      notify(`Converter ${draft.name} deleted`);
      void navigate('/converters');
    } catch (e) {
      notify.error(e);
    }
  };
  const addCase = (c: ConverterTestCase) => {
    patch({ testCases: [...(draft.testCases ?? []).filter((x) => x.name !== c.name), c] });
    notify('Test case added; save the converter to keep it', 'info');
  };

  const fieldError = (f: string) => (field === f ? errorMessage(error) : undefined);
  return (
    <>
      <UnsavedChangesPrompt when={dirty} what="the converter" scope={`/converters/${id}`} />
      <Breadcrumbs sx={{ mb: 1 }}>
        <MuiLink component={Link} to="/converters">
          Data converters
        </MuiLink>
        <Typography color="text.primary">{isNew ? 'New converter' : draft.name}</Typography>
      </Breadcrumbs>
      <PageHeader
        title={isNew ? `New ${type === 'UPLINK' ? 'uplink' : 'downlink'} converter` : draft.name}
        subtitle={dirty ? 'Unsaved changes' : undefined}
        actions={
          <>
            {!isNew && type === 'UPLINK' && <Button onClick={() => setReplaying(true)}>Replay</Button>}
            {!isNew && <ExportButton kind="converter" id={id} name={draft.name} />}
            {!isNew && (
              <Button color="error" onClick={remove}>
                Delete
              </Button>
            )}
            <Button variant="contained" onClick={() => void save()} disabled={busy || (!dirty && !isNew)}>
              {isNew ? 'Add' : 'Save'}
            </Button>
          </>
        }
      />
      {field !== 'name' && (
        <SaveErrorAlert
          error={error}
          what="converter"
          onReload={() => {
            setError(null);
            loaded.reload();
          }}
          onOverwrite={() => void save(true)}
        />
      )}
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
          <TextField label="Name" value={draft.name} onChange={(e) => patch({ name: e.target.value })} required sx={{ width: 280 }} error={!!fieldError('name')} helperText={fieldError('name')} />
          <TextField select label="Type" value={type} onChange={(e) => setType(e.target.value as ConverterType)} disabled={!isNew} sx={{ width: 160 }}>
            <MenuItem value="UPLINK">Uplink</MenuItem>
            <MenuItem value="DOWNLINK">Downlink</MenuItem>
          </TextField>
          <DebugModeField
            debugMode={draft.debugMode}
            pinned={!!draft.debugModePinned}
            until={dirty ? null : draft.debugModeUntil}
            onChange={({ debugMode, pinned }) => patch({ debugMode, debugModePinned: pinned })}
          />
          <TextField
            label="Version comment"
            placeholder="What this save changes (optional)"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            sx={{ flex: 1, minWidth: 240 }}
            slotProps={{ htmlInput: { maxLength: 255 } }}
          />
        </Stack>
      </Paper>
      <Tabs value={tab} onChange={(_, v: string) => navigate(`/converters/${id}/${v}`)} sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}>
        <Tab value="script" label={type === 'UPLINK' ? 'Decoder' : 'Encoder'} />
        <Tab value="history" label="History" disabled={isNew} />
        <Tab value="events" label="Events" disabled={isNew} />
      </Tabs>
      {replaying && <ReplayDialog converterId={id} converterName={draft.name} dirty={dirty} onClose={() => setReplaying(false)} />}
      {tab === 'history' && !isNew ? (
        <ConverterHistory
          converterId={id}
          current={script}
          dirty={dirty}
          onRestored={(c) => {
            setDraft(c);
            setSaved(JSON.stringify(c));
          }}
        />
      ) : tab === 'events' && !isNew ? (
        <EventTable entityType="CONVERTER" entityId={id} emptyHint={draft.debugMode ? 'Messages this converter processes appear here as they arrive.' : 'Turn debug mode on and save: each message it processes is then kept here.'} />
      ) : (
        <>
          <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1.25fr) minmax(360px, 1fr)', gap: 2, alignItems: 'start' }}>
            <Paper variant="outlined" sx={{ overflow: 'hidden' }}>
              <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, py: 0.75, borderBottom: 1, borderColor: 'divider', fontFamily: 'monospace' }}>
                {type === 'UPLINK' ? 'function Decoder(payload, metadata) {' : 'function Encoder(msg, metadata, msgType, integrationMetadata) {'}
              </Typography>
              <CodeEditor value={script} onChange={setScript} extraLibs={libs} errorLine={errLine.line} errorMessage={errLine.message} height={560} ariaLabel={`${scriptKey} script`} />
              <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, py: 0.75, borderTop: 1, borderColor: 'divider', fontFamily: 'monospace' }}>
                {'}'}
              </Typography>
            </Paper>
            <TestPanel type={type} script={script} converterId={isNew ? undefined : id} onErrorLine={(line, message) => setErrLine({ line, message })} onSaveCase={addCase} onRun={(s, error) => setLastRun({ script: s, error })} />
          </Box>
          <TestCases type={type} script={script} cases={draft.testCases ?? []} serverResults={draft.testResults} onChange={(testCases) => patch({ testCases })} />
        </>
      )}
    </>
  );
}

export default ConverterPage;
