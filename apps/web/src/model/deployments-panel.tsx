import { useState } from 'preact/hooks';
import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { formatDate, useI18n } from '../i18n';
import { useLoad } from '../use-api';
import { Playground } from './playground';

/** A tensor of a deployment's signature (shapes: -1 for a dynamic dimension). */
export interface TensorSpec {
  name: string;
  datatype: string;
  shape: number[];
}

/** A deployment as `GET /api/v1/models/{ns}/{name}/deployments` lists it (docs/inference.md). */
export interface Deployment {
  id: string;
  version: string;
  backend: 'embedded' | 'remote';
  state: 'loading' | 'ready' | 'failed' | 'stopped';
  failureReason: string | null;
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] } | null;
  recent: { calls: number; errors: number; p50Ms: number | null; p95Ms: number | null; lastCallAt: string | null };
  endpoint: string;
  /** The API's decision: the caller may call the model (the Run button shows only then, for a ready deployment). */
  mayCall: boolean;
  createdAt: string;
}

const ms = (v: number | null) => (v === null ? '–' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);

/**
 * The model's hosted deployments (state, recent latency) and, for one the caller may call, the
 * playground. Loaded on its own after the page, so a model without deployments costs one small
 * request and the page's own round trip is unchanged; hidden when the model has none.
 */
export function DeploymentsPanel({ ns, name }: { ns: string; name: string }) {
  const { t, lang } = useI18n();
  const state = useLoad(`${ns}/${name}`, (signal) => api<Deployment[]>(`/api/v1/models/${enc(ns)}/${enc(name)}/deployments`, { signal }));
  const [chosen, setChosen] = useState<string | null>(null);
  if (state.loading) return null;
  if (state.error != null) return <ErrorBox error={state.error} />;
  const deployments = state.data!;
  if (!deployments.length) return null;
  const callable = deployments.filter((d) => d.mayCall && d.state === 'ready' && d.signature);
  const selected = callable.find((d) => d.id === chosen) ?? callable[0];
  return (
    <section aria-labelledby="deployments-h" data-testid="deployments">
      <h2 id="deployments-h">{t('deploy.title')}</h2>
      <table class="files">
        <thead>
          <tr>
            <th scope="col">{t('deploy.version')}</th>
            <th scope="col">{t('deploy.backend')}</th>
            <th scope="col">{t('deploy.state')}</th>
            <th scope="col">{t('deploy.latency')}</th>
            <th scope="col">{t('deploy.calls')}</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((d) => (
            <tr key={d.id} data-testid="deployment-row">
              <td>
                <code>{d.version}</code>
              </td>
              <td>{d.backend}</td>
              <td>
                <span class={d.state === 'ready' ? 'badge' : 'badge warn'}>{t(`deploy.state.${d.state}`)}</span>
                {d.failureReason && <div class="muted small">{d.failureReason}</div>}
              </td>
              <td class="num" data-testid="deployment-latency">
                {d.recent.p50Ms === null ? t('deploy.noCalls') : `p50 ${ms(d.recent.p50Ms)} · p95 ${ms(d.recent.p95Ms)}`}
              </td>
              <td class="num">
                {t('deploy.recentCalls', { n: d.recent.calls, e: d.recent.errors })}
                {d.recent.lastCallAt && <div class="muted small">{formatDate(lang, d.recent.lastCallAt)}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected ? (
        <>
          {callable.length > 1 && (
            <label>
              {t('deploy.choose')}
              <select value={selected.id} onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}>
                {callable.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.version} ({d.backend})
                  </option>
                ))}
              </select>
            </label>
          )}
          <Playground key={selected.id} deployment={selected} />
        </>
      ) : (
        // A remote deployment has no signature to build the form from: only the missing right is worth saying.
        !deployments.some((d) => d.mayCall) && (
          <p class="muted" data-testid="no-playground">
            {t('deploy.noAccess')}
          </p>
        )
      )}
    </section>
  );
}
