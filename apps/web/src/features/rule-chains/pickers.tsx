import { MenuItem, TextField } from '@mui/material';
import type { PageData } from '@bridgeboard/contracts';
import { api } from '../../app/api';
import { useLoad } from '../../app/hooks';

interface Named {
  id: { id: string };
  name: string;
}

/** A select over one page of the tenant's entities (integrations, rule chains) by name. */
function EntityPicker({
  path,
  label,
  empty,
  value,
  onChange,
  error,
  testId,
}: {
  path: string;
  label: string;
  empty: string;
  value: string;
  onChange(v: string): void;
  error?: string;
  testId: string;
}) {
  const list = useLoad(
    (signal) =>
      api.get<PageData<Named>>(
        path,
        { pageSize: 100, page: 0, sortProperty: 'name', sortOrder: 'ASC' },
        signal,
      ),
    [path],
  );
  const items = list.data?.data ?? [];
  const known = !value || items.some((i) => i.id.id === value);
  const help = list.error
    ? String((list.error as Error).message)
    : (error ?? (!list.loading && !items.length ? empty : undefined));
  return (
    <TextField
      select
      fullWidth
      label={label}
      value={list.loading && !known ? '' : value}
      onChange={(e) => onChange(e.target.value)}
      error={!!(error || list.error)}
      helperText={help ?? ' '}
      slotProps={{ htmlInput: { 'data-testid': testId } }}
    >
      {items.map((i) => (
        <MenuItem key={i.id.id} value={i.id.id}>
          {i.name}
        </MenuItem>
      ))}
      {!known && !list.loading && (
        <MenuItem value={value} disabled>
          Unknown ({value})
        </MenuItem>
      )}
    </TextField>
  );
}

export const IntegrationPicker = (p: { value: string; onChange(v: string): void; error?: string }) => (
  <EntityPicker
    {...p}
    path="/api/integrations"
    label="Integration"
    empty="No integrations yet: create one under Integrations first."
    testId="integration-picker"
  />
);

export const RuleChainPicker = (p: { value: string; onChange(v: string): void; error?: string }) => (
  <EntityPicker
    {...p}
    path="/api/ruleChains"
    label="Rule chain"
    empty="No other rule chains yet."
    testId="rulechain-picker"
  />
);
