import { Button } from '@mui/material';
import { Link } from 'react-router';
import { EmptyState } from '../ui/states';

export function NotFoundPage() {
  return (
    <EmptyState
      title="This page does not exist"
      hint="The link may be old or mistyped."
      action={
        <Button component={Link} to="/devices" variant="contained">
          Go to devices
        </Button>
      }
    />
  );
}
