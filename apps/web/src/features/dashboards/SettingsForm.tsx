import { FormControlLabel, MenuItem, Stack, Switch, TextField } from '@mui/material';
import type { SettingField } from '../../widgets/types';

export type RawSettings = Record<string, unknown>;

/** Turns the form's raw values into settings, or says which field is wrong and why. */
export function parseSettings(
  fields: SettingField[],
  raw: RawSettings,
): { settings: RawSettings; errors: Record<string, string> } {
  const settings: RawSettings = { ...raw };
  const errors: Record<string, string> = {};
  for (const f of fields) {
    if (f.type !== 'number') continue;
    const text = String(raw[f.key] ?? '').trim();
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) errors[f.key] = `${f.label} must be a number.`;
    else if (f.integer && !Number.isInteger(n)) errors[f.key] = `${f.label} must be a whole number.`;
    else if (f.min !== undefined && n < f.min) errors[f.key] = `${f.label} must be at least ${f.min}.`;
    else if (f.max !== undefined && n > f.max) errors[f.key] = `${f.label} must be at most ${f.max}.`;
    else settings[f.key] = n;
  }
  return { settings, errors };
}

/** A form generated from a widget's settings fields. */
export function SettingsForm({
  fields,
  value,
  errors,
  onChange,
}: {
  fields: SettingField[];
  value: RawSettings;
  errors: Record<string, string>;
  onChange(v: RawSettings): void;
}) {
  const set = (k: string, v: unknown) => onChange({ ...value, [k]: v });
  return (
    <Stack spacing={1.5}>
      {fields.map((f) => {
        const common = {
          label: f.label,
          error: !!errors[f.key],
          helperText: errors[f.key] ?? f.help,
          fullWidth: true,
        };
        const testId = { 'data-testid': `setting-${f.key}` };
        switch (f.type) {
          case 'boolean':
            return (
              <FormControlLabel
                key={f.key}
                label={f.label}
                control={
                  <Switch
                    checked={!!value[f.key]}
                    onChange={(_, c) => set(f.key, c)}
                    slotProps={{ input: testId }}
                  />
                }
              />
            );
          case 'enum':
            return (
              <TextField
                key={f.key}
                select
                {...common}
                value={String(value[f.key] ?? '')}
                onChange={(e) => set(f.key, e.target.value)}
                slotProps={{ htmlInput: testId }}
              >
                {f.options.map((o) => (
                  <MenuItem key={o.value} value={o.value}>
                    {o.label}
                  </MenuItem>
                ))}
              </TextField>
            );
          case 'number':
            return (
              <TextField
                key={f.key}
                {...common}
                type="number"
                value={String(value[f.key] ?? '')}
                onChange={(e) => set(f.key, e.target.value)}
                slotProps={{ htmlInput: { ...testId, min: f.min, max: f.max, step: f.integer ? 1 : 'any' } }}
              />
            );
          default:
            return (
              <TextField
                key={f.key}
                {...common}
                value={String(value[f.key] ?? '')}
                onChange={(e) => set(f.key, e.target.value)}
                slotProps={{ htmlInput: testId }}
              />
            );
        }
      })}
    </Stack>
  );
}
