import {
  Box,
  LinearProgress,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TablePagination,
  TableRow,
  TableSortLabel,
} from '@mui/material';
import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  label: string;
  /** the server's sortProperty; absent = not sortable */
  sort?: string;
  width?: number | string;
  render: (row: T) => ReactNode;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  loading?: boolean;
  /** shown instead of the table body when there are no rows and nothing is loading */
  empty?: ReactNode;
  onRowClick?: (row: T) => void;
  rowSx?: (row: T) => object | undefined;
  sort?: { property: string; order: 'ASC' | 'DESC'; onChange: (property: string, order: 'ASC' | 'DESC') => void };
  paging?: { page: number; pageSize: number; total: number; onChange: (page: number, pageSize: number) => void };
  size?: 'small' | 'medium';
  'aria-label'?: string;
}

/** A server-paged, server-sorted table: the parent keeps page/sort (in the URL) and loads rows. */
export function DataTable<T>(p: DataTableProps<T>) {
  const rows = p.rows ?? [];
  return (
    <Paper variant="outlined">
      <Box sx={{ height: 4 }}>{p.loading && <LinearProgress aria-label="Loading" />}</Box>
      <TableContainer>
        <Table size={p.size ?? 'small'} aria-label={p['aria-label']}>
          <TableHead>
            <TableRow>
              {p.columns.map((c) => (
                <TableCell key={c.key} sx={{ width: c.width, fontWeight: 600 }}>
                  {c.sort && p.sort ? (
                    <TableSortLabel
                      active={p.sort.property === c.sort}
                      direction={p.sort.property === c.sort ? (p.sort.order === 'ASC' ? 'asc' : 'desc') : 'asc'}
                      onClick={() => {
                        const s = p.sort!;
                        const order = s.property === c.sort && s.order === 'ASC' ? 'DESC' : 'ASC';
                        s.onChange(c.sort!, order);
                      }}
                    >
                      {c.label}
                    </TableSortLabel>
                  ) : (
                    c.label
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r) => (
              <TableRow
                key={p.rowKey(r)}
                hover={!!p.onRowClick}
                onClick={p.onRowClick ? () => p.onRowClick!(r) : undefined}
                sx={{ cursor: p.onRowClick ? 'pointer' : undefined, ...p.rowSx?.(r) }}
              >
                {p.columns.map((c) => (
                  <TableCell key={c.key}>{c.render(r)}</TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      {rows.length === 0 && !p.loading && p.empty}
      {p.paging && (
        <TablePagination
          component="div"
          count={p.paging.total}
          page={Math.min(p.paging.page, Math.max(0, Math.ceil(p.paging.total / p.paging.pageSize) - 1))}
          rowsPerPage={p.paging.pageSize}
          rowsPerPageOptions={[10, 20, 50, 100]}
          onPageChange={(_, page) => p.paging!.onChange(page, p.paging!.pageSize)}
          onRowsPerPageChange={(e) => p.paging!.onChange(0, Number(e.target.value))}
        />
      )}
    </Paper>
  );
}
