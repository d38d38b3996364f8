import { Alert, Breadcrumbs, Button, Link as MuiLink, Stack, Tab, Tabs, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../app/api';
import { useLoad, useSocket } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { EventTable } from '../../ui/EventTable';
import { fromPairs, type Pairs } from '../../ui/KeyValueTable';
import { ErrorAlert, Loading, PageHeader } from '../../ui/states';
import { SaveErrorAlert } from '../../ui/SaveErrorAlert';
import { UnsavedChangesPrompt } from '../../ui/UnsavedChanges';
import { formatTime } from '../../ui/time';
import { IntegrationForm, metadataPairs } from './IntegrationForm';
import { emptyIntegration, integrationsApi, topicFilterProblem, type IntegrationDraft, type IntegrationStatus } from './integrations.api';
import { StatusChip } from './StatusChip';
import { ExportButton } from '../transfer/ExportButton';
import { QuarantineTable } from './QuarantineTable';

/** Problems the browser can see before asking the server (the server checks everything again). */
function validate(d: IntegrationDraft): Record<string, string> {
  const e: Record<string, string> = {};
  const cc = d.configuration.clientConfiguration;
  if (!d.name.trim()) e.name = 'Enter a name';
  if (!d.defaultConverterId) e.defaultConverterId = 'Choose the uplink converter, or create one';
  if (!cc.host.trim()) e['configuration.clientConfiguration.host'] = 'Enter the broker host';
  if (!(cc.port >= 1 && cc.port <= 65535)) e['configuration.clientConfiguration.port'] = 'Port must be between 1 and 65535';
  if (cc.credentials.type === 'basic' && !cc.credentials.username) e['configuration.clientConfiguration.credentials.username'] = 'Enter the username';
  d.configuration.topicFilters.forEach((t, i) => {
    const p = topicFilterProblem(t.filter);
    if (p) e[`configuration.topicFilters.${i}.filter`] = p;
  });
  return e;
}

/** Create or edit an MQTT integration; its live status and counters in the header, Events on a tab. */
export function IntegrationPage() {
  const { id = 'new', tab = 'settings' } = useParams();
  const isNew = id === 'new';
  const navigate = useNavigate();
  const notify = useNotify();
  const confirm = useConfirm();
  const loaded = useLoad((signal) => (isNew ? Promise.resolve(null) : integrationsApi.get(id, signal)), [id]);
  const [draft, setDraft] = useState<IntegrationDraft | null>(null);
  // the integration as last loaded or saved: what "unsaved changes" are measured against
  const [saved, setSaved] = useState<IntegrationDraft | null>(null);
  const [debugUntil, setDebugUntil] = useState<number | null>(null);
  const [metadata, setMetadata] = useState<Pairs>([]);
  // Live status (socket events and refreshes after joining the room or saving) wins over the
  // status inside the loaded integration, which may be older than both.
  const [live, setLive] = useState<{ id: string; status: IntegrationStatus } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (loaded.loading) return;
    const d = loaded.data ?? (isNew ? emptyIntegration() : null);
    if (!d) return;
    setDraft(d as IntegrationDraft);
    setSaved(d as IntegrationDraft);
    setDebugUntil(loaded.data?.debugModeUntil ?? null);
    setMetadata(metadataPairs(d as IntegrationDraft));
  }, [loaded.data, loaded.loading, isNew]);

  const refreshStatus = (forId: string) =>
    integrationsApi.status(forId).then(
      (status) => setLive({ id: forId, status }),
      () => undefined, // the next live event brings it
    );
  useSocket(isNew ? null : `integration:${id}`, (ev, p) => {
    if (ev === 'integrationStatus') setLive({ id, status: p as IntegrationStatus });
    // a change between our GET and the join would otherwise be missed
    if (ev === 'subscribed') void refreshStatus(id);
  });
  const status = live?.id === id ? live.status : (loaded.data?.status ?? null);
  // A status answer can arrive after a newer live event and overwrite it; while the status is
  // transitional, ask again every second so the chip never stays on CONNECTING by mistake.
  const transitional = !isNew && status?.status === 'CONNECTING';
  useEffect(() => {
    if (!transitional) return;
    const t = setInterval(() => void refreshStatus(id), 1000);
    return () => clearInterval(t);
  }, [transitional, id]);

  if (loaded.loading && !draft) return <Loading />;
  if (loaded.error) return <ErrorAlert error={loaded.error} onRetry={loaded.reload} />;
  if (!draft) return null;

  const edited: IntegrationDraft = { ...draft, configuration: { ...draft.configuration, metadata: fromPairs(metadata) } };
  const dirty = JSON.stringify(edited) !== JSON.stringify(saved);
  /** A converter chosen for the user (the only one there is) is where the form starts, not an edit. */
  const preselect = (field: 'defaultConverterId' | 'downlinkConverterId', v: IntegrationDraft['defaultConverterId']) => {
    setDraft((d) => d && { ...d, [field]: v });
    setSaved((s) => s && { ...s, [field]: v });
  };

  /** `overwrite`: without `version`, so the save replaces what someone else saved meanwhile. */
  const save = async (overwrite = false) => {
    const body: IntegrationDraft = overwrite ? { ...edited, version: undefined } : edited;
    const local = validate(body);
    setErrors(local);
    setSaveError(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const stored = await integrationsApi.save(body);
      notify(`Integration ${stored.name} saved`);
      setDraft(stored as IntegrationDraft);
      setSaved(stored as IntegrationDraft);
      setDebugUntil(stored.debugModeUntil);
      if (!isNew) void refreshStatus(id);
      if (isNew) void navigate(`/integrations/${stored.id.id}`, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.field) setErrors({ [e.field]: e.message });
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!(await confirm({ title: `Delete integration ${draft.name}?`, message: 'It disconnects from the broker; devices and their data stay.' }))) return;
    try {
      await integrationsApi.delete(id);
      notify(`Integration ${draft.name} deleted`);
      void navigate('/integrations');
    } catch (e) {
      notify.error(e);
    }
  };

  return (
    <>
      <UnsavedChangesPrompt when={dirty} what="the integration" scope={`/integrations/${id}`} />
      <Breadcrumbs sx={{ mb: 1 }}>
        <MuiLink component={Link} to="/integrations">
          Integrations
        </MuiLink>
        <Typography color="text.primary">{isNew ? 'New integration' : draft.name}</Typography>
      </Breadcrumbs>
      <PageHeader
        title={isNew ? 'New MQTT integration' : draft.name}
        subtitle={
          !isNew && (
            <Stack direction="row" spacing={1} component="span" sx={{ alignItems: 'center' }}>
              <StatusChip status={status?.status} enabled={draft.enabled} lastError={status?.lastError} />
              <span>
                {status ? `${status.messagesIn} in · ${status.messagesOut} out · ${status.errors} errors · ${status.quarantined ?? 0} quarantined · last message ${formatTime(status.lastMessageTime)}` : ''}
              </span>
            </Stack>
          )
        }
        actions={
          <>
            {!isNew && <ExportButton kind="integration" id={id} name={draft.name} />}
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
      {Object.keys(errors).length > 0 && !saveError && <Alert severity="warning" sx={{ mb: 2 }}>Fix the marked fields, then save again.</Alert>}
      <SaveErrorAlert
        error={saveError}
        what="integration"
        onReload={() => {
          setSaveError(null);
          loaded.reload();
        }}
        onOverwrite={() => void save(true)}
      />
      {!isNew && status?.lastError && (
        <Alert severity="warning" sx={{ mb: 2 }} aria-label="Last error">
          Last error: {status.lastError}
        </Alert>
      )}
      <Tabs value={tab} onChange={(_, v: string) => navigate(`/integrations/${id}/${v}`)} sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}>
        <Tab value="settings" label="Settings" />
        <Tab value="events" label="Events" disabled={isNew} />
        <Tab value="quarantine" label={`Quarantine (${status?.quarantined ?? 0})`} disabled={isNew} />
      </Tabs>
      {tab === 'quarantine' && !isNew ? (
        <QuarantineTable integrationId={id} onChanged={() => void refreshStatus(id)} />
      ) : tab === 'events' && !isNew ? (
        <EventTable entityType="INTEGRATION" entityId={id} emptyHint={draft.debugMode ? 'Messages from the broker appear here as they arrive.' : 'Turn debug mode on and save to keep each message here.'} />
      ) : (
        <IntegrationForm draft={draft} onChange={setDraft} errors={errors} metadata={metadata} onMetadata={setMetadata} existing={!isNew} debugUntil={dirty ? null : debugUntil} onPreselect={isNew ? preselect : undefined} />
      )}
    </>
  );
}

export default IntegrationPage;
