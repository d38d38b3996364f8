import { AppBar, Box, Button, Chip, Drawer, List, ListItemButton, ListItemText, Toolbar, Tooltip, Typography } from '@mui/material';
import { Suspense, useEffect } from 'react';
import { NavLink, Outlet } from 'react-router';
import { useAuth } from './auth';
import { useLiveConnected } from './hooks';
import { connectLive } from './socket';
import { Loading } from '../ui/states';

export const NAV = [
  { to: '/', label: 'Home', end: true },
  { to: '/devices', label: 'Devices' },
  { to: '/converters', label: 'Data converters' },
  { to: '/integrations', label: 'Integrations' },
  { to: '/rule-chains', label: 'Rule chains' },
  { to: '/dashboards', label: 'Dashboards' },
];
/** Pages only the system administrator sees. */
export const SYSADMIN_NAV = [{ to: '/cluster', label: 'Cluster' }];
const WIDTH = 200;

/** Top bar, navigation on the left, the page on the right. */
export function Shell() {
  const { user, logout } = useAuth();
  const live = useLiveConnected();
  useEffect(connectLive, []);
  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <AppBar position="fixed" sx={{ zIndex: (t) => t.zIndex.drawer + 1 }}>
        <Toolbar variant="dense">
          <Typography variant="h6" sx={{ flex: 1, fontWeight: 700 }}>
            Bridgeboard
          </Typography>
          <Tooltip title={live ? 'Live updates are on' : 'Live updates are not connected; pages still work, new data shows on reload'}>
            <Chip size="small" label={live ? 'Live' : 'Offline'} color={live ? 'success' : 'default'} sx={{ mr: 2, bgcolor: live ? undefined : 'grey.300' }} />
          </Tooltip>
          <Typography sx={{ mr: 2 }}>{user?.email}</Typography>
          <Button color="inherit" onClick={logout}>
            Log out
          </Button>
        </Toolbar>
      </AppBar>
      <Drawer variant="permanent" sx={{ width: WIDTH, flexShrink: 0, '& .MuiDrawer-paper': { width: WIDTH, boxSizing: 'border-box' } }}>
        <Toolbar variant="dense" />
        <List component="nav" aria-label="Main">
          {[...NAV, ...(user?.authority === 'SYS_ADMIN' ? SYSADMIN_NAV : [])].map((n) => (
            <ListItemButton key={n.to} component={NavLink} to={n.to} end={'end' in n} sx={{ '&.active': { bgcolor: 'action.selected', fontWeight: 600 } }}>
              <ListItemText primary={n.label} />
            </ListItemButton>
          ))}
        </List>
      </Drawer>
      <Box component="main" sx={{ flex: 1, minWidth: 0, p: 3 }}>
        <Toolbar variant="dense" />
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </Box>
    </Box>
  );
}
