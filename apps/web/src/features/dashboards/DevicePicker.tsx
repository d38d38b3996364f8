import { Autocomplete, TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import type { Device, PageData } from '@bridgeboard/contracts';
import { api, errorMessage } from '../../app/api';
import { useDebounced } from '../../app/hooks';

export interface PickedDevice {
  id: string;
  name: string;
}

/** Searches the tenant's devices by name (GET /api/tenant/devices?textSearch=). */
export function DevicePicker({
  value,
  onChange,
  error,
}: {
  value: PickedDevice | null;
  onChange(d: PickedDevice | null): void;
  error?: string | null;
}) {
  const [input, setInput] = useState('');
  const text = useDebounced(input, 250);
  const [options, setOptions] = useState<PickedDevice[]>([]);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    api
      .get<PageData<Device>>(
        '/api/tenant/devices',
        {
          pageSize: 50,
          page: 0,
          textSearch: text === value?.name ? '' : text,
          sortProperty: 'name',
          sortOrder: 'ASC',
        },
        ac.signal,
      )
      .then(
        (p) => {
          setOptions(p.data.map((d) => ({ id: d.id.id, name: d.name })));
          setLoadError(null);
        },
        (e: unknown) => !ac.signal.aborted && setLoadError(errorMessage(e)),
      )
      .finally(() => !ac.signal.aborted && setLoading(false));
    return () => ac.abort();
  }, [text, value?.name]);

  return (
    <Autocomplete
      options={options}
      value={value}
      loading={loading}
      onChange={(_, v) => onChange(v)}
      inputValue={input}
      onInputChange={(_, v) => setInput(v)}
      getOptionLabel={(o) => o.name}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      filterOptions={(o) => o}
      noOptionsText={
        text
          ? `No device named like "${text}"`
          : 'No devices yet: they appear when an integration receives data'
      }
      renderInput={(params) => (
        <TextField
          {...params}
          label="Device"
          error={!!(error || loadError)}
          helperText={loadError ?? error ?? ' '}
        />
      )}
    />
  );
}
