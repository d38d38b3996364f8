/**
 * What feature code may use from app/ (other features import from here or the named files):
 *
 * - `api.get/post/put/delete(path, bodyOrQuery)` — REST with the session's token; throws `ApiError`
 *   whose `message` is the server's sentence (show it as is) and `field` the blamed request field.
 * - `subscribe(room, (event, payload) => …)` → stop(); `useSocket(room, handler)` in components.
 *   Rooms: 'device:<id>' | 'integration:<id>' | 'converter:<id>' | 'rulenode:<id>' | 'tenant'.
 *   Events: telemetry, attributes, device, integrationStatus, debugEvent (shapes in @bridgeboard/contracts live.ts).
 * - `useLoad(fn, deps)` — loading/error/data for one request; `usePageParams` — list state in the URL.
 * - `useNotify()` — snackbar; `useConfirm()` (ui/ConfirmDialog) — ask before deleting.
 * - ui/: CodeEditor (lazy Monaco), JsonView, EventTable, DataTable, KeyValueTable, Loading/ErrorAlert/EmptyState/PageHeader.
 */
export { api, ApiError, errorMessage, withQuery, type Query } from './api';
export { subscribe, type LiveHandler } from './socket';
export { useSocket, useLiveConnected, useLoad, useDebounced, usePageParams, type Loaded } from './hooks';
export { useNotify } from './notify';
export { useAuth } from './auth';
export { useConfirm } from '../ui/ConfirmDialog';
