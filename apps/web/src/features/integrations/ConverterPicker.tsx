import { Autocomplete, Button, Stack, TextField } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import type { EntityId } from '@bridgeboard/contracts';
import { useLoad } from '../../app/hooks';
import { convertersApi, type Converter, type ConverterType } from '../converters/converters.api';
import { CreateConverterDialog } from '../converters/CreateConverterDialog';

/** Picks an uplink or downlink converter, or creates one inline from the guide's script. */
export function ConverterPicker({
  type,
  value,
  onChange,
  label,
  required,
  error,
  onOnlyOne,
}: {
  type: ConverterType;
  value: EntityId<'CONVERTER'> | null | undefined;
  onChange: (v: EntityId<'CONVERTER'> | null) => void;
  label: string;
  required?: boolean;
  error?: string;
  /** called once when nothing is chosen and the tenant has exactly one converter of this type */
  onOnlyOne?: (v: EntityId<'CONVERTER'>) => void;
}) {
  const list = useLoad((signal) => convertersApi.page({ pageSize: 200, page: 0, type, sortProperty: 'name', sortOrder: 'ASC' }, signal), [type]);
  const [creating, setCreating] = useState(false);
  const options = (list.data?.data ?? []).filter((c) => c.type === type);
  const selected = options.find((c) => c.id.id === value?.id) ?? null;
  // once, when the list first arrives: a field the user clears afterwards stays clear
  const offered = useRef(false);
  useEffect(() => {
    if (!list.data || offered.current) return;
    offered.current = true;
    if (options.length === 1 && !value) onOnlyOne?.(options[0]!.id);
  }, [list.data]);
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
      <Autocomplete
        sx={{ flex: 1 }}
        options={options}
        loading={list.loading}
        value={selected}
        getOptionLabel={(c: Converter) => c.name}
        isOptionEqualToValue={(a, b) => a.id.id === b.id.id}
        onChange={(_, c) => onChange(c ? c.id : null)}
        renderInput={(params) => (
          <TextField
            {...params}
            label={label}
            required={required}
            error={!!error || !!list.error}
            helperText={error ?? (list.error ? String((list.error as Error).message) : !options.length && !list.loading ? `No ${type.toLowerCase()} converters yet: create one` : ' ')}
          />
        )}
      />
      <Button onClick={() => setCreating(true)} sx={{ mt: 0.5, whiteSpace: 'nowrap' }}>
        Create new
      </Button>
      {creating && (
        <CreateConverterDialog
          type={type}
          open
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            list.setData((d) => d && { ...d, data: [...d.data, c] });
            onChange(c.id);
          }}
        />
      )}
    </Stack>
  );
}
