import { Box, FormControlLabel, Paper, Stack, Switch, TextField, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import type { MqttConfiguration } from '@bridgeboard/contracts';
import { DebugModeField } from '../../ui/DebugModeField';
import { KeyValueTable, toPairs, type Pairs } from '../../ui/KeyValueTable';
import { ConverterPicker } from './ConverterPicker';
import { CredentialsFields } from './CredentialsFields';
import type { IntegrationDraft } from './integrations.api';
import { TopicFilterTable } from './TopicFilterTable';

type Client = MqttConfiguration['clientConfiguration'];

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper variant="outlined" sx={{ p: 2 }}>
      <Typography variant="subtitle1" sx={{ fontWeight: 600, mb: 1.5 }}>
        {title}
      </Typography>
      <Stack spacing={1.5}>{children}</Stack>
    </Paper>
  );
}

/**
 * Every field of an MQTT integration (contracts.md). `errors` maps a field path as the API names it
 * (e.g. `configuration.clientConfiguration.host`, `configuration.topicFilters.0.filter`) to its sentence.
 */
export function IntegrationForm({
  draft,
  onChange,
  errors,
  metadata,
  onMetadata,
  existing,
  debugUntil,
  onPreselect,
}: {
  draft: IntegrationDraft;
  onChange: (d: IntegrationDraft) => void;
  errors: Record<string, string>;
  metadata: Pairs;
  onMetadata: (p: Pairs) => void;
  existing: boolean;
  /** when debug mode switches itself off (saved integrations) */
  debugUntil?: number | null;
  /** new integrations: the tenant has exactly one converter of a kind and none is chosen yet */
  onPreselect?: (field: 'defaultConverterId' | 'downlinkConverterId', v: IntegrationDraft['defaultConverterId']) => void;
}) {
  const cfg = draft.configuration;
  const cc = cfg.clientConfiguration;
  const err = (f: string) => errors[f];
  const setCfg = (p: Partial<MqttConfiguration>) => onChange({ ...draft, configuration: { ...cfg, ...p } });
  const setClient = (p: Partial<Client>) => setCfg({ clientConfiguration: { ...cc, ...p } });
  const num = (v: string) => (v === '' ? (undefined as unknown as number) : Number(v));
  const cc$ = 'configuration.clientConfiguration';
  const topicErrors = Object.fromEntries(
    Object.entries(errors)
      .map(([k, v]) => [/^configuration\.topicFilters\.(\d+)/.exec(k)?.[1], v] as const)
      .filter(([i]) => i !== undefined)
      .map(([i, v]) => [Number(i), v]),
  );

  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(460px, 1fr))', gap: 2, alignItems: 'start' }}>
      <Stack spacing={2}>
        <Section title="General">
          <TextField label="Name" value={draft.name} onChange={(e) => onChange({ ...draft, name: e.target.value })} required error={!!err('name')} helperText={err('name')} />
          <Stack direction="row" spacing={2}>
            <FormControlLabel control={<Switch checked={draft.enabled} onChange={(e) => onChange({ ...draft, enabled: e.target.checked })} />} label="Enabled" />
          </Stack>
          <DebugModeField debugMode={draft.debugMode} pinned={!!draft.debugModePinned} until={debugUntil} onChange={({ debugMode, pinned }) => onChange({ ...draft, debugMode, debugModePinned: pinned })} />
        </Section>
        <Section title="Converters">
          <ConverterPicker type="UPLINK" label="Uplink data converter" required value={draft.defaultConverterId} onChange={(v) => onChange({ ...draft, defaultConverterId: v! })} onOnlyOne={onPreselect && ((v) => onPreselect('defaultConverterId', v))} error={err('defaultConverterId')} />
          <ConverterPicker type="DOWNLINK" label="Downlink data converter" value={draft.downlinkConverterId} onChange={(v) => onChange({ ...draft, downlinkConverterId: v })} onOnlyOne={onPreselect && ((v) => onPreselect('downlinkConverterId', v))} error={err('downlinkConverterId')} />
        </Section>
        <Section title="Connection">
          <Stack direction="row" spacing={1}>
            <TextField label="Host" value={cc.host} onChange={(e) => setClient({ host: e.target.value })} required sx={{ flex: 1 }} error={!!err(`${cc$}.host`)} helperText={err(`${cc$}.host`) ?? 'e.g. broker.hivemq.com'} />
            <TextField label="Port" type="number" value={cc.port ?? ''} onChange={(e) => setClient({ port: num(e.target.value) })} required sx={{ width: 120 }} error={!!err(`${cc$}.port`)} helperText={err(`${cc$}.port`) ?? ' '} />
          </Stack>
          <TextField label="Client ID" value={cc.clientId ?? ''} onChange={(e) => setClient({ clientId: e.target.value })} error={!!err(`${cc$}.clientId`)} helperText={err(`${cc$}.clientId`) ?? 'Empty: one is generated.'} />
          <Stack direction="row" spacing={1}>
            <TextField label="Connect timeout, s" type="number" value={cc.connectTimeoutSec ?? ''} onChange={(e) => setClient({ connectTimeoutSec: num(e.target.value) })} sx={{ flex: 1 }} error={!!err(`${cc$}.connectTimeoutSec`)} helperText={err(`${cc$}.connectTimeoutSec`)} />
            <TextField label="Max bytes in message" type="number" value={cc.maxBytesInMessage ?? ''} onChange={(e) => setClient({ maxBytesInMessage: num(e.target.value) })} sx={{ flex: 1 }} error={!!err(`${cc$}.maxBytesInMessage`)} helperText={err(`${cc$}.maxBytesInMessage`)} />
          </Stack>
          <Stack direction="row" sx={{ flexWrap: 'wrap' }}>
            <FormControlLabel control={<Switch checked={cc.cleanSession} onChange={(e) => setClient({ cleanSession: e.target.checked })} />} label="Clean session" />
            <FormControlLabel control={<Switch checked={cc.retainedMessage} onChange={(e) => setClient({ retainedMessage: e.target.checked })} />} label="Retained messages" />
            <FormControlLabel control={<Switch checked={cc.ssl} onChange={(e) => setClient({ ssl: e.target.checked })} />} label="TLS (ssl)" />
          </Stack>
          <CredentialsFields value={cc.credentials} onChange={(credentials) => setClient({ credentials })} errors={err} existing={existing} />
        </Section>
      </Stack>
      <Stack spacing={2}>
        <Section title="Topic filters">
          {err('configuration.topicFilters') && <Typography color="error">{err('configuration.topicFilters')}</Typography>}
          <TopicFilterTable value={cfg.topicFilters} onChange={(topicFilters) => setCfg({ topicFilters })} errors={topicErrors} />
        </Section>
        <Section title="Cluster">
          <FormControlLabel
            control={<Switch checked={cfg.sharedSubscription === true} onChange={(e) => setCfg({ sharedSubscription: e.target.checked })} />}
            label="Shared subscription: run on every node"
          />
          <Typography variant="body2" color="text.secondary">
            Off: one node runs the integration, and another takes it over if that node stops. On: every node subscribes as
            $share/&lt;group&gt;/&lt;filter&gt; and the broker splits the messages between them, for more throughput — but one device’s
            messages may then be stored out of order across nodes, and the broker must support shared subscriptions (Mosquitto 2,
            EMQX, HiveMQ; not the demo’s embedded broker).
          </Typography>
        </Section>
        <Section title="Downlink">
          <TextField
            label="Downlink topic pattern"
            value={cfg.downlinkTopicPattern}
            onChange={(e) => setCfg({ downlinkTopicPattern: e.target.value })}
            error={!!err('configuration.downlinkTopicPattern')}
            helperText={err('configuration.downlinkTopicPattern') ?? '${topic} takes metadata.topic from the downlink converter’s result.'}
          />
        </Section>
        <Section title="Health">
          <TextField
            label="Expect a message at least every, minutes"
            type="number"
            value={cfg.silenceAlertMin ?? ''}
            onChange={(e) => setCfg({ silenceAlertMin: e.target.value === '' ? null : Number(e.target.value) })}
            error={!!err('configuration.silenceAlertMin')}
            helperText={err('configuration.silenceAlertMin') ?? 'Empty: off. Longer silence while connected shows SILENT and records an error event.'}
          />
        </Section>
        <Section title="Metadata">
          <Typography variant="body2" color="text.secondary">
            Added to every message's metadata (the decoder sees them in metadata).
          </Typography>
          <KeyValueTable value={metadata} onChange={onMetadata} label="Integration metadata" />
        </Section>
      </Stack>
    </Box>
  );
}

export const metadataPairs = (d: IntegrationDraft): Pairs => toPairs(d.configuration.metadata);
