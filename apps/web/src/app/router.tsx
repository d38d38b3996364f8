import { lazy, type ComponentType } from 'react';
import { createBrowserRouter, Outlet, type RouteObject } from 'react-router';
import { Providers } from './providers';
import { RequireAuth } from './auth';
import { Shell } from './Shell';
import { LoginPage } from '../pages/LoginPage';
import { NotFoundPage } from '../pages/NotFoundPage';

type Mod = Record<string, unknown>;
/** A lazily loaded page: each feature is its own chunk (Monaco and charts stay out of the others). */
const page = (load: () => Promise<Mod>, name: string) =>
  lazy(async () => {
    const m = await load();
    return { default: (m[name] ?? m.default) as ComponentType };
  });

const HomePage = page(() => import('../features/home/HomePage'), 'HomePage');
const DevicesPage = page(() => import('../features/devices/DevicesPage'), 'DevicesPage');
const DevicePage = page(() => import('../features/devices/DevicePage'), 'DevicePage');
const ConvertersPage = page(() => import('../features/converters/ConvertersPage'), 'ConvertersPage');
const ConverterPage = page(() => import('../features/converters/ConverterPage'), 'ConverterPage');
const IntegrationsPage = page(() => import('../features/integrations/IntegrationsPage'), 'IntegrationsPage');
const IntegrationPage = page(() => import('../features/integrations/IntegrationPage'), 'IntegrationPage');
const RuleChainsPage = page(() => import('../features/rule-chains'), 'RuleChainsPage');
const RuleChainPage = page(() => import('../features/rule-chains'), 'RuleChainPage');
const DashboardsPage = page(() => import('../features/dashboards'), 'DashboardsPage');
const DashboardPage = page(() => import('../features/dashboards'), 'DashboardPage');
const ClusterPage = page(() => import('../features/cluster/ClusterPage'), 'ClusterPage');

export const routes: RouteObject[] = [
  {
    element: (
      <Providers>
        <Outlet />
      </Providers>
    ),
    children: [
      { path: '/login', element: <LoginPage /> },
      {
        element: (
          <RequireAuth>
            <Shell />
          </RequireAuth>
        ),
        children: [
          { path: '/', element: <HomePage /> },
          { path: '/devices', element: <DevicesPage /> },
          { path: '/devices/:id/:tab?', element: <DevicePage /> },
          { path: '/converters', element: <ConvertersPage /> },
          { path: '/converters/:id/:tab?', element: <ConverterPage /> },
          { path: '/integrations', element: <IntegrationsPage /> },
          { path: '/integrations/:id/:tab?', element: <IntegrationPage /> },
          { path: '/rule-chains', element: <RuleChainsPage /> },
          { path: '/rule-chains/:id', element: <RuleChainPage /> },
          { path: '/dashboards', element: <DashboardsPage /> },
          { path: '/dashboards/:id', element: <DashboardPage /> },
          { path: '/cluster', element: <ClusterPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export const createRouter = () => createBrowserRouter(routes);
