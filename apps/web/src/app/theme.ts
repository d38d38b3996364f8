import { createTheme } from '@mui/material';

export const theme = createTheme({
  palette: { primary: { main: '#305680' }, secondary: { main: '#527dad' }, background: { default: '#f4f6f9' } },
  typography: { fontSize: 13 },
  components: {
    MuiTextField: { defaultProps: { size: 'small' } },
    MuiFormControl: { defaultProps: { size: 'small' } },
    MuiButton: { defaultProps: { disableElevation: true } },
    MuiTableCell: { styleOverrides: { root: { paddingTop: 6, paddingBottom: 6 } } },
  },
});
