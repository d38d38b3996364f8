import { FormControlLabel, MenuItem, Stack, Switch, TextField } from '@mui/material';
import { useState } from 'react';
import { IntegrationPicker, RuleChainPicker } from './pickers';
import { ScriptField } from './ScriptField';

/** The subset of JSON schema the node configuration forms understand. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
}

/** "integrationId" → "Integration", "defaultTTL" → "Default TTL", "jsScript" → "Js script" */
export function humanize(key: string): string {
  const s = key.replace(/Id$/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
  return (
    s.charAt(0).toUpperCase() +
    s.slice(1).replace(/ ([A-Z])(?=[a-z])/g, (_, c: string) => ` ${c.toLowerCase()}`)
  );
}

const HIDDEN = new Set(['version']);

const typeOf = (s: JsonSchema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

/** Checks required fields and numbers; returns messages by key (the server validates again on save). */
export function validateConfig(schema: JsonSchema, value: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const key of schema.required ?? []) {
    const p = schema.properties?.[key];
    if (!p || p.const !== undefined) continue;
    const v = value[key];
    if (v === undefined || v === null || v === '') errors[key] = `${p.title ?? humanize(key)} is required.`;
  }
  return errors;
}

/** A node configuration form generated from its JSON schema, with pickers for ids and an editor for scripts. */
export function SchemaForm({
  schema,
  value,
  onChange,
  errors,
  nodeType,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(v: Record<string, unknown>): void;
  errors: Record<string, string>;
  nodeType: string;
}) {
  // `version` is ThingsBoard's configuration format number: kept in the JSON, nothing a user sets
  const props = Object.entries(schema.properties ?? {}).filter(([key]) => !HIDDEN.has(key));
  const set = (k: string, v: unknown) => onChange({ ...value, [k]: v });
  if (!props.length) return null;
  return (
    <Stack spacing={1.5}>
      {props.map(([key, p]) => {
        const label = p.title ?? humanize(key);
        const err = errors[key];
        const help = err ?? p.description ?? ' ';
        const t = typeOf(p);
        if (p.const !== undefined)
          return (
            <TextField
              key={key}
              label={label}
              value={String(p.const)}
              disabled
              helperText={p.description ?? ' '}
            />
          );
        if (key === 'integrationId')
          return (
            <IntegrationPicker
              key={key}
              value={String(value[key] ?? '')}
              onChange={(v) => set(key, v)}
              error={err}
            />
          );
        if (key === 'ruleChainId')
          return (
            <RuleChainPicker
              key={key}
              value={String(value[key] ?? '')}
              onChange={(v) => set(key, v)}
              error={err}
            />
          );
        if (t === 'string' && /script/i.test(key))
          return (
            <ScriptField
              key={key}
              label={label}
              value={String(value[key] ?? '')}
              onChange={(v) => set(key, v)}
              nodeType={nodeType}
              error={err}
            />
          );
        if (p.enum)
          return (
            <TextField
              key={key}
              select
              label={label}
              value={String(value[key] ?? '')}
              onChange={(e) => set(key, e.target.value)}
              error={!!err}
              helperText={help}
            >
              {p.enum.map((o) => (
                <MenuItem key={String(o)} value={String(o)}>
                  {String(o)}
                </MenuItem>
              ))}
            </TextField>
          );
        if (t === 'boolean')
          return (
            <FormControlLabel
              key={key}
              label={label}
              control={<Switch checked={!!value[key]} onChange={(_, c) => set(key, c)} />}
            />
          );
        if (t === 'number' || t === 'integer')
          return (
            <TextField
              key={key}
              type="number"
              label={label}
              value={value[key] === undefined || value[key] === null ? '' : String(value[key])}
              onChange={(e) => set(key, e.target.value === '' ? undefined : Number(e.target.value))}
              error={!!err}
              helperText={help}
              slotProps={{ htmlInput: { min: p.minimum, max: p.maximum, step: t === 'integer' ? 1 : 'any' } }}
            />
          );
        if (t === 'string')
          return (
            <TextField
              key={key}
              label={label}
              value={String(value[key] ?? '')}
              onChange={(e) => set(key, e.target.value)}
              error={!!err}
              helperText={help}
            />
          );
        return (
          <JsonField key={key} label={label} value={value[key]} onChange={(v) => set(key, v)} error={err} />
        );
      })}
    </Stack>
  );
}

/** Objects and arrays the form has no widget for: edited as JSON text. */
function JsonField({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: unknown;
  onChange(v: unknown): void;
  error?: string;
}) {
  const [text, setText] = useState(() => JSON.stringify(value ?? null, null, 2));
  const [bad, setBad] = useState<string | null>(null);
  return (
    <TextField
      label={`${label} (JSON)`}
      value={text}
      multiline
      minRows={3}
      error={!!(bad || error)}
      helperText={bad ?? error ?? ' '}
      onChange={(e) => {
        setText(e.target.value);
        try {
          onChange(JSON.parse(e.target.value));
          setBad(null);
        } catch (x) {
          setBad(`Not valid JSON: ${(x as Error).message}`);
        }
      }}
      slotProps={{ htmlInput: { style: { fontFamily: 'monospace' } } }}
    />
  );
}
