import {
  Autocomplete,
  Box,
  Button,
  Card,
  CardActionArea,
  CardContent,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Divider,
  MenuItem,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import type { DashboardConfiguration, WidgetConfig } from '@bridgeboard/contracts';
import { api } from '../../app/api';
import { findWidget, widgetRegistry } from '../../widgets/registry';
import type { WidgetDefinition } from '../../widgets/types';
import { localId } from './dashboards.api';
import { parseSettings, SettingsForm, type RawSettings } from './SettingsForm';

export interface WidgetDialogProps {
  open: boolean;
  /** the widget being edited; null adds a new one (the user first picks its type) */
  widget: WidgetConfig | null;
  configuration: DashboardConfiguration;
  onClose(): void;
  onSave(widget: WidgetConfig): void;
}

const CATEGORIES = [...new Set(widgetRegistry.map((w) => w.category))];

/** Add a widget (pick its type, then configure) or edit one: title, data source alias, keys, settings. */
export function WidgetDialog({ open, widget, configuration, onClose, onSave }: WidgetDialogProps) {
  const [def, setDef] = useState<WidgetDefinition | null>(null);
  const [title, setTitle] = useState('');
  const [aliasId, setAliasId] = useState('');
  const [keys, setKeys] = useState<string[]>([]);
  const [raw, setRaw] = useState<RawSettings>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [keyOptions, setKeyOptions] = useState<string[]>([]);

  useEffect(() => {
    if (!open) return;
    const d = widget ? (findWidget(widget.type) ?? null) : null;
    setDef(d);
    setTitle(widget?.title ?? '');
    setAliasId(widget?.datasources[0]?.entityAliasId ?? Object.keys(configuration.entityAliases)[0] ?? '');
    setKeys(widget?.datasources[0]?.dataKeys.map((k) => k.name) ?? []);
    setRaw(d ? { ...d.defaultSettings, ...widget?.settings } : {});
    setErrors({});
  }, [open, widget, configuration.entityAliases]);

  // suggest the aliased device's telemetry keys
  const deviceId = configuration.entityAliases[aliasId]?.filter.singleEntity.id;
  useEffect(() => {
    if (!open || !deviceId || !def?.usesDataKeys) return;
    const ac = new AbortController();
    api
      .get<string[]>(`/api/plugins/telemetry/DEVICE/${deviceId}/keys/timeseries`, undefined, ac.signal)
      .then(setKeyOptions, () => setKeyOptions([]));
    return () => ac.abort();
  }, [open, deviceId, def?.usesDataKeys]);

  const pick = (d: WidgetDefinition) => {
    setDef(d);
    setTitle(d.name);
    setRaw({ ...d.defaultSettings });
  };

  const save = () => {
    if (!def) return;
    const { settings, errors: e } = parseSettings(def.settingsFields, raw);
    setErrors(e);
    if (Object.keys(e).length) return;
    onSave({
      id: widget?.id ?? localId(),
      type: def.type,
      title: title.trim(),
      datasources: aliasId
        ? [
            {
              type: 'entity',
              entityAliasId: aliasId,
              dataKeys: keys.map((name) => ({ name, type: 'timeseries' as const })),
            },
          ]
        : [],
      settings,
    });
  };

  const aliases = Object.values(configuration.entityAliases);
  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <DialogTitle>
        {widget ? `Edit widget ${widget.title}` : def ? `Add ${def.name}` : 'Add widget'}
      </DialogTitle>
      <DialogContent>
        {!def ? (
          <Stack spacing={2} sx={{ mt: 1 }}>
            {CATEGORIES.map((c) => (
              <Box key={c}>
                <Typography variant="subtitle2" gutterBottom>
                  {c}
                </Typography>
                <Box
                  sx={{
                    display: 'grid',
                    gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))',
                    gap: 1,
                  }}
                >
                  {widgetRegistry
                    .filter((w) => w.category === c)
                    .map((w) => (
                      <Card key={w.type} variant="outlined">
                        <CardActionArea onClick={() => pick(w)} data-testid={`widget-type-${w.type}`}>
                          <CardContent sx={{ p: 1.5 }}>
                            <Typography sx={{ fontWeight: 600 }}>{w.name}</Typography>
                            <Typography variant="caption" color="text.secondary">
                              {w.description}
                            </Typography>
                          </CardContent>
                        </CardActionArea>
                      </Card>
                    ))}
                </Box>
              </Box>
            ))}
          </Stack>
        ) : (
          <Stack spacing={1.5} sx={{ mt: 1 }}>
            <TextField
              label="Title"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              slotProps={{ htmlInput: { 'data-testid': 'widget-title' } }}
            />
            <Typography variant="subtitle2">Data</Typography>
            <TextField
              select
              label="Entity alias"
              value={aliasId}
              onChange={(e) => setAliasId(e.target.value)}
              helperText={
                aliases.length
                  ? 'The device this widget shows or controls.'
                  : 'No aliases yet: close this dialog and add one with "Entity aliases".'
              }
              slotProps={{ htmlInput: { 'data-testid': 'widget-alias' } }}
            >
              <MenuItem value="">None</MenuItem>
              {aliases.map((a) => (
                <MenuItem key={a.id} value={a.id}>
                  {a.alias}
                </MenuItem>
              ))}
            </TextField>
            {def.usesDataKeys && (
              <Autocomplete
                multiple
                freeSolo
                options={keyOptions}
                value={keys}
                onChange={(_, v) => setKeys(v.map(String))}
                renderInput={(params) => (
                  <TextField
                    {...params}
                    label="Telemetry keys"
                    helperText="Leave empty to show every key of the device."
                  />
                )}
              />
            )}
            <Divider />
            <Typography variant="subtitle2">Settings</Typography>
            <SettingsForm fields={def.settingsFields} value={raw} errors={errors} onChange={setRaw} />
          </Stack>
        )}
      </DialogContent>
      <DialogActions>
        {!widget && def && <Button onClick={() => setDef(null)}>Back</Button>}
        <Box sx={{ flex: 1 }} />
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={save} disabled={!def} data-testid="widget-save">
          {widget ? 'Save' : 'Add'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
