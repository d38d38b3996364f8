import { Alert, Breadcrumbs, Button, Link as MuiLink, TextField, Typography } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import { Link as RouterLink, useParams, useSearchParams } from 'react-router';
import type { Dashboard, DashboardConfiguration, WidgetConfig } from '@bridgeboard/contracts';
import { api } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { EmptyState, ErrorAlert, Loading, PageHeader } from '../../ui/states';
import { SaveErrorAlert } from '../../ui/SaveErrorAlert';
import { UnsavedChangesPrompt } from '../../ui/UnsavedChanges';
import { findWidget } from '../../widgets/registry';
import { AliasesDialog } from './AliasesDialog';
import { DashboardGrid } from './DashboardGrid';
import { dashboardsApi } from './dashboards.api';
import { WidgetDialog } from './WidgetDialog';
import { ExportButton } from '../transfer/ExportButton';

type Draft = { title: string; configuration: DashboardConfiguration };

/** Resolves each alias to its device (id and name); null when the device is gone. */
function useAliasDevices(configuration: DashboardConfiguration | undefined) {
  const [devices, setDevices] = useState<Record<string, { id: string; name: string } | null>>({});
  const ids = Object.values(configuration?.entityAliases ?? {})
    .map((a) => `${a.id}=${a.filter.singleEntity.id}`)
    .join(',');
  useEffect(() => {
    if (!ids) return setDevices({});
    const ac = new AbortController();
    void Promise.all(
      ids.split(',').map(async (pair) => {
        const [aliasId, deviceId] = pair.split('=') as [string, string];
        try {
          const d = await api.get<{ name: string }>(`/api/device/${deviceId}`, undefined, ac.signal);
          return [aliasId, { id: deviceId, name: d.name }] as const;
        } catch {
          return [aliasId, null] as const;
        }
      }),
    ).then((entries) => !ac.signal.aborted && setDevices(Object.fromEntries(entries)));
    return () => ac.abort();
  }, [ids]);
  return devices;
}

/** One dashboard: view mode runs the widgets; edit mode (?edit=1) adds, moves, resizes and configures them. */
export function DashboardPage() {
  const { id = '' } = useParams();
  const [sp, setSp] = useSearchParams();
  const editing = sp.get('edit') === '1';
  const setEditing = (on: boolean) =>
    setSp(
      (p) => {
        const n = new URLSearchParams(p);
        if (on) n.set('edit', '1');
        else n.delete('edit');
        return n;
      },
      { replace: true },
    );
  const loaded = useLoad((signal) => dashboardsApi.get(id, signal), [id]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [aliasesOpen, setAliasesOpen] = useState(false);
  const [widgetDialog, setWidgetDialog] = useState<{ widget: WidgetConfig | null } | null>(null);
  const notify = useNotify();
  const confirm = useConfirm();

  const saved: Dashboard | undefined = loaded.data;
  useEffect(() => {
    if (saved) setDraft({ title: saved.title, configuration: saved.configuration });
  }, [saved]);
  const dirty = useMemo(
    () =>
      !!saved &&
      !!draft &&
      (draft.title !== saved.title ||
        JSON.stringify(draft.configuration) !== JSON.stringify(saved.configuration)),
    [saved, draft],
  );
  const devices = useAliasDevices(draft?.configuration);
  const deviceNames = useMemo(
    () => Object.fromEntries(Object.values(devices).flatMap((d) => (d ? [[d.id, d.name]] : []))),
    [devices],
  );

  if (loaded.loading && !saved) return <Loading />;
  if (!saved || !draft) return <ErrorAlert error={loaded.error} onRetry={loaded.reload} />;

  const cfg = draft.configuration;
  const update = (fn: (c: DashboardConfiguration) => DashboardConfiguration) =>
    setDraft((d) => d && { ...d, configuration: fn(d.configuration) });

  /** `overwrite`: without `version`, so the save replaces what someone else saved meanwhile. */
  const save = async (overwrite = false) => {
    setSaving(true);
    setSaveError(null);
    try {
      const d = await dashboardsApi.save({
        id: saved.id,
        title: draft.title.trim() || saved.title,
        configuration: draft.configuration,
        version: overwrite ? undefined : saved.version,
      });
      loaded.setData(() => d);
      setEditing(false);
      notify('Dashboard saved');
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };
  const discard = async () => {
    if (
      dirty &&
      !(await confirm({
        title: 'Discard your changes?',
        message: 'The dashboard goes back to how it was last saved.',
        confirmText: 'Discard',
      }))
    )
      return;
    setDraft({ title: saved.title, configuration: saved.configuration });
    setSaveError(null);
    setEditing(false);
  };
  const saveWidget = (w: WidgetConfig) => {
    update((c) => {
      const existing = c.layout.widgets[w.id];
      const def = findWidget(w.type);
      const bottom = Math.max(0, ...Object.values(c.layout.widgets).map((l) => l.row + l.sizeY));
      const layout = existing ?? {
        col: 0,
        row: bottom,
        sizeX: def?.defaultSize.sizeX ?? 6,
        sizeY: def?.defaultSize.sizeY ?? 4,
      };
      return {
        ...c,
        widgets: { ...c.widgets, [w.id]: w },
        layout: { ...c.layout, widgets: { ...c.layout.widgets, [w.id]: layout } },
      };
    });
    setWidgetDialog(null);
  };
  const removeWidget = async (w: WidgetConfig) => {
    if (!(await confirm({ title: `Remove widget ${w.title || w.type}?`, confirmText: 'Remove' }))) return;
    update((c) => {
      const { [w.id]: _w, ...widgets } = c.widgets;
      const { [w.id]: _l, ...layouts } = c.layout.widgets;
      return { ...c, widgets, layout: { ...c.layout, widgets: layouts } };
    });
  };

  const empty = Object.keys(cfg.widgets).length === 0;
  return (
    <>
      <UnsavedChangesPrompt when={dirty} what="the dashboard" />
      <Breadcrumbs sx={{ mb: 1 }}>
        <MuiLink component={RouterLink} to="/dashboards">
          Dashboards
        </MuiLink>
        <Typography color="text.primary">{saved.title}</Typography>
      </Breadcrumbs>
      <PageHeader
        title={
          editing ? (
            <TextField
              value={draft.title}
              onChange={(e) => setDraft({ ...draft, title: e.target.value })}
              slotProps={{ htmlInput: { 'aria-label': 'Dashboard title' } }}
            />
          ) : (
            saved.title
          )
        }
        actions={
          editing ? (
            <>
              <Button onClick={() => setAliasesOpen(true)} data-testid="aliases-open">
                Entity aliases
              </Button>
              <Button onClick={() => setWidgetDialog({ widget: null })} data-testid="widget-add">
                Add widget
              </Button>
              <Button onClick={() => void discard()}>Cancel</Button>
              <Button
                variant="contained"
                onClick={() => void save()}
                disabled={saving}
                data-testid="dashboard-save"
              >
                {saving ? 'Saving…' : 'Save'}
              </Button>
            </>
          ) : (
            <>
              <ExportButton kind="dashboard" id={saved.id.id} name={saved.title} />
              <Button variant="contained" onClick={() => setEditing(true)} data-testid="dashboard-edit">
                Edit
              </Button>
            </>
          )
        }
      />
      <SaveErrorAlert
        error={saveError}
        what="dashboard"
        onReload={() => {
          setSaveError(null);
          loaded.reload();
        }}
        onOverwrite={() => void save(true)}
      />
      {editing && dirty && (
        <Alert severity="info" sx={{ mb: 1 }}>
          Unsaved changes: Save keeps them, Cancel goes back to the saved dashboard.
        </Alert>
      )}
      {empty ? (
        <EmptyState
          title="This dashboard has no widgets yet"
          hint={
            Object.keys(cfg.entityAliases).length
              ? 'Add a widget and pick an alias as its data source.'
              : 'First add an entity alias (e.g. Sensor → SN-001), then add widgets that show or control it.'
          }
          action={
            !editing && (
              <Button variant="outlined" onClick={() => setEditing(true)}>
                Edit dashboard
              </Button>
            )
          }
        />
      ) : (
        <DashboardGrid
          configuration={cfg}
          editing={editing}
          devices={devices}
          onLayoutChange={(wid, l) =>
            update((c) => ({ ...c, layout: { ...c.layout, widgets: { ...c.layout.widgets, [wid]: l } } }))
          }
          onEdit={(w) => setWidgetDialog({ widget: w })}
          onRemove={(w) => void removeWidget(w)}
        />
      )}
      <AliasesDialog
        open={aliasesOpen}
        configuration={cfg}
        deviceNames={deviceNames}
        onClose={() => setAliasesOpen(false)}
        onSave={(entityAliases) => {
          update((c) => ({ ...c, entityAliases }));
          setAliasesOpen(false);
        }}
      />
      <WidgetDialog
        open={!!widgetDialog}
        widget={widgetDialog?.widget ?? null}
        configuration={cfg}
        onClose={() => setWidgetDialog(null)}
        onSave={saveWidget}
      />
    </>
  );
}
