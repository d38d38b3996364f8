import { Box, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { useLoad } from '../../app/hooks';
import { EmptyState, ErrorAlert, Loading, PageHeader } from '../../ui/states';
import { homeApi } from './home.api';

const n = (v: number) => v.toLocaleString('en-US');

/** The sysadmin's home: each tenant's devices, messages and stored data. */
export function TenantUsageTable() {
  const usage = useLoad((s) => homeApi.usage(s), []);
  return (
    <Box>
      <PageHeader
        title="Tenants' usage"
        subtitle="Devices, messages received and data stored per tenant (counted at most once a minute)."
      />
      <ErrorAlert error={usage.error} onRetry={usage.reload} />
      {!usage.data ? (
        <Loading />
      ) : !usage.data.length ? (
        <EmptyState title="No tenants yet" />
      ) : (
        <Table size="small" aria-label="Tenants' usage">
          <TableHead>
            <TableRow>
              <TableCell>Tenant</TableCell>
              <TableCell align="right">Devices (active)</TableCell>
              <TableCell align="right">Integrations</TableCell>
              <TableCell align="right">Messages</TableCell>
              <TableCell align="right">Data points</TableCell>
              <TableCell align="right">Debug events</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {usage.data.map((u) => (
              <TableRow key={u.tenantId}>
                <TableCell>{u.title}</TableCell>
                <TableCell align="right">
                  {n(u.devices)} ({n(u.activeDevices)})
                </TableCell>
                <TableCell align="right">{n(u.integrations)}</TableCell>
                <TableCell align="right">{n(u.messages)}</TableCell>
                <TableCell align="right">{n(u.dataPoints)}</TableCell>
                <TableCell align="right">{n(u.debugEvents)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
