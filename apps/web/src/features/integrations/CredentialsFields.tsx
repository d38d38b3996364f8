import { Button, MenuItem, Stack, TextField, Typography } from '@mui/material';
import type { MqttCredentials } from '@bridgeboard/contracts';

type Errors = (f: string) => string | undefined;

/** PEM text from a file the user picks (never uploaded anywhere else). */
function PemField({ label, value, onChange, secret, stored }: { label: string; value: string | undefined; onChange: (v: string) => void; secret?: boolean; stored?: boolean }) {
  const pick = async (f: File | undefined) => f && onChange(await f.text());
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <Button component="label" variant="outlined" size="small" sx={{ whiteSpace: 'nowrap' }}>
        Upload {label}
        <input hidden type="file" accept=".pem,.crt,.key,.cer,text/plain" aria-label={`${label} file`} onChange={(e) => void pick(e.target.files?.[0])} />
      </Button>
      <Typography variant="body2" color={value ? 'success.main' : 'text.secondary'} noWrap>
        {value ? `${label}: ${value.split('\n')[0]?.slice(0, 40)} (${value.length} characters)` : secret && stored ? `${label}: stored (upload to replace)` : `${label}: none`}
      </Typography>
    </Stack>
  );
}

/** Credentials type switches the fields: none, username/password, or PEM certificates. */
export function CredentialsFields({ value, onChange, errors, existing }: { value: MqttCredentials; onChange: (v: MqttCredentials) => void; errors: Errors; existing: boolean }) {
  const base = 'configuration.clientConfiguration.credentials';
  return (
    <Stack spacing={1.5}>
      <TextField
        select
        label="Credentials"
        value={value.type}
        onChange={(e) => {
          const t = e.target.value as MqttCredentials['type'];
          onChange(t === 'basic' ? { type: 'basic', username: '' } : t === 'cert.PEM' ? { type: 'cert.PEM' } : { type: 'anonymous' });
        }}
      >
        <MenuItem value="anonymous">Anonymous</MenuItem>
        <MenuItem value="basic">Basic (username and password)</MenuItem>
        <MenuItem value="cert.PEM">PEM certificates (TLS)</MenuItem>
      </TextField>
      {value.type === 'basic' && (
        <>
          <TextField label="Username" value={value.username} onChange={(e) => onChange({ ...value, username: e.target.value })} required error={!!errors(`${base}.username`)} helperText={errors(`${base}.username`)} />
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            value={value.password ?? ''}
            onChange={(e) => onChange({ ...value, password: e.target.value || undefined })}
            placeholder={existing ? 'unchanged' : ''}
            error={!!errors(`${base}.password`)}
            helperText={errors(`${base}.password`) ?? (existing ? 'Leave empty to keep the stored password.' : ' ')}
          />
        </>
      )}
      {value.type === 'cert.PEM' && (
        <>
          <PemField label="CA certificate" value={value.caCert} onChange={(caCert) => onChange({ ...value, caCert })} />
          <PemField label="Client certificate" value={value.cert} onChange={(cert) => onChange({ ...value, cert })} />
          <PemField label="Private key" value={value.privateKey} onChange={(privateKey) => onChange({ ...value, privateKey })} secret stored={existing} />
          <TextField
            label="Private key password"
            type="password"
            autoComplete="new-password"
            value={value.privateKeyPassword ?? ''}
            onChange={(e) => onChange({ ...value, privateKeyPassword: e.target.value || undefined })}
            helperText={existing ? 'Leave empty to keep the stored one.' : ' '}
          />
        </>
      )}
    </Stack>
  );
}
