import { Alert, Box, Button, CircularProgress, Paper, Stack, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../app/api';
import { useAuth } from '../app/auth';

/** Sign in; says why when the server is unreachable or the session expired. */
export function LoginPage() {
  const { login, user } = useAuth();
  const navigate = useNavigate();
  const state = (useLocation().state ?? {}) as { message?: string; from?: string };
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username || !password) return setError('Enter your email and password.');
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      void navigate(state.from && state.from !== '/login' ? state.from : '/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  // already signed in (a bookmark, Back after logging in): the form has nothing to do
  if (user && !busy) return <Navigate to={state.from && state.from !== '/login' ? state.from : '/'} replace />;
  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', bgcolor: 'background.default' }}>
      <Paper component="form" onSubmit={submit} sx={{ p: 4, width: 380 }} aria-label="Log in" noValidate>
        <Typography variant="h5" component="h1" gutterBottom sx={{ fontWeight: 700 }}>
          Bridgeboard
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          Log in to manage devices, converters and integrations.
        </Typography>
        <Stack spacing={2}>
          {state.message && !error && <Alert severity="warning">{state.message}</Alert>}
          {error && <Alert severity="error">{error}</Alert>}
          <TextField label="Email" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus required />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          <Button type="submit" variant="contained" disabled={busy} startIcon={busy ? <CircularProgress size={16} color="inherit" /> : undefined}>
            Log in
          </Button>
        </Stack>
      </Paper>
    </Box>
  );
}
