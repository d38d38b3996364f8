// The routes in app/router.tsx lazily import these names.
export { DashboardsPage } from './DashboardsPage';
export { DashboardPage } from './DashboardPage';
